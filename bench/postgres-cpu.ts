import { readdirSync, readFileSync } from 'node:fs';
import { cpuTime } from '../test/helpers/service-process';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The CPU time, in ms, of every PostgreSQL server process on this machine (the postmaster and
 * each backend, autovacuum included: their command is `postgres`), when the bench's server is
 * local: on a shared two-core machine the database's own work comes out of the same cores as the
 * services', so a scenario's CPU per request counts it too. A backend that ends (a pool closing
 * an idle connection) leaves its CPU in the postmaster's count of its waited-for children, so
 * the total only grows. Undefined for a server elsewhere (its CPU is not ours to read).
 */
export function localPostgresCpu(databaseUrl: string | undefined): (() => number) | undefined {
  if (!databaseUrl || !LOCAL_HOSTS.has(new URL(databaseUrl).hostname)) return undefined;
  return () => {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuTime(Number(entry), true);
      } catch {
        // The process ended while we looked.
      }
    }
    return total;
  };
}
