import { Counter, Registry } from 'prom-client';

/**
 * The records subgraph's own figures, one set per running subgraph, in the registry its shared
 * figures (operations, database, clock) join (served on its metrics port).
 */
export interface RecordsMetrics {
  registry: Registry;
  /** Patient-view rows the SQL kept and the visibility rule refused: any at all is a defect to look at. */
  ruleDisagreements: Counter;
  /** Access-log rows that could not be written: each such read failed and showed nothing. */
  accessLogWriteFailures: Counter;
}

export function createRecordsMetrics(): RecordsMetrics {
  const registry = new Registry();
  return {
    registry,
    ruleDisagreements: new Counter({
      name: 'records_visibility_rule_disagreements_total',
      help: 'Patient-view rows the SQL kept and the visibility rule refused (each such request fails, showing nothing)',
      registers: [registry],
    }),
    accessLogWriteFailures: new Counter({
      name: 'records_access_log_write_failures_total',
      help: 'Access-log writes that failed (each read waiting on one failed, returning nothing)',
      registers: [registry],
    }),
  };
}
