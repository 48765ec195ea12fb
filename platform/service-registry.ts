import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * Every service keeps its figures in a registry of its own, never prom-client's global one: the
 * tests (and `npm start`) run all four services in one process, and each must report its own
 * figures only. Node's process figures (CPU, memory, event-loop delay, handles) are added where
 * the configuration asks (the loaders do; the tests' shared process does not, since they would
 * say the same thing four times).
 */
export function addProcessMetrics(registry: Registry, wanted: boolean | undefined): Registry {
  if (wanted) collectDefaultMetrics({ register: registry });
  return registry;
}
