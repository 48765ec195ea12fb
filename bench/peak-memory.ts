import { writeFileSync } from 'node:fs';
import { processTree, type ServiceProcess } from '../test/helpers/service-process';

/**
 * Peak resident memory per process over one scenario: Linux keeps each process's peak (VmHWM)
 * until `5` is written to its /proc/PID/clear_refs, so every scenario starts from the memory in
 * use at its start and reports its own peak. (Where the reset is not allowed, the peak is the
 * process's peak so far, which is never below the scenario's.)
 */
export function resetPeakMemory(services: readonly ServiceProcess[]): void {
  for (const service of services) {
    for (const pid of processTree(service.pid)) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Not ours to reset, or already gone.
      }
    }
  }
}

/** Each service's peak resident memory since the last reset, in MB. */
export function peakMemoryMb(services: readonly ServiceProcess[]): Record<string, number> {
  return Object.fromEntries(services.map((service) => [service.name, Math.round(service.peakRssBytes() / 1024 / 1024)]));
}
