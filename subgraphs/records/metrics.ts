import { Counter, Registry } from 'prom-client';

/** The records subgraph's figures for its operator, one set per running subgraph (served on /metrics). */
export interface RecordsMetrics {
  registry: Registry;
  /** Patient-view rows the SQL kept and the visibility rule refused: any at all is a defect to look at. */
  ruleDisagreements: Counter;
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
  };
}
