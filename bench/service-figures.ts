import type { ServiceProcess } from '../test/helpers/service-process';

/** Each service's start and memory, beside the scenarios' figures. */
export interface ServiceFigures {
  /** Seconds from spawning the process to its saying it is ready (migrations checked, data set opened). */
  readySeconds: Record<string, number>;
  /** Resident memory (VmRSS) once every scenario has run: what the service holds at steady state, MB. */
  steadyRssMb: Record<string, number>;
}

export function serviceFigures(services: readonly ServiceProcess[]): ServiceFigures {
  return {
    readySeconds: Object.fromEntries(services.map((s) => [s.name, Math.round(s.readyMs / 100) / 10])),
    steadyRssMb: Object.fromEntries(services.map((s) => [s.name, Math.round(s.rssBytes() / 1024 / 1024)])),
  };
}
