import { loadGatewayConfig } from '../../../gateway/config';
import { RetryBudget } from '../../../gateway/retry-budget';
import { ConfigError } from '../../../platform/config';
import { loadSubgraphConfig } from '../../../subgraphs/runtime/config';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  SUBGRAPH_SIGNING_SECRET: 'a-deployment-secret-of-at-least-32-characters',
  DATA_DIR: '/nonexistent-data-dir',
  ...extra,
});

describe('where each service serves its figures', () => {
  it('by default: gateway 9400, practices 9401, rollout 9402, records 9403, on 127.0.0.1, with process figures', () => {
    expect(loadGatewayConfig(env()).metrics).toEqual({ host: '127.0.0.1', port: 9400, processMetrics: true });
    expect(loadSubgraphConfig('practices', env()).metrics).toEqual({ host: '127.0.0.1', port: 9401, processMetrics: true });
    expect(loadSubgraphConfig('rollout', env()).metrics).toEqual({ host: '127.0.0.1', port: 9402, processMetrics: true });
    expect(loadSubgraphConfig('records', env()).metrics).toEqual({ host: '127.0.0.1', port: 9403, processMetrics: true });
  });

  it('<SERVICE>_METRICS_PORT and METRICS_HOST move them; each service reads its own port only', () => {
    const moved = env({ METRICS_HOST: '0.0.0.0', GATEWAY_METRICS_PORT: '0', RECORDS_METRICS_PORT: '19403' });
    expect(loadGatewayConfig(moved).metrics).toEqual({ host: '0.0.0.0', port: 0, processMetrics: true });
    expect(loadSubgraphConfig('records', moved).metrics?.port).toBe(19403);
    expect(loadSubgraphConfig('practices', moved).metrics?.port).toBe(9401);
  });

  it('a port that is not one stops the start, naming the variable', () => {
    expect(() => loadSubgraphConfig('rollout', env({ ROLLOUT_METRICS_PORT: '70000' }))).toThrow(ConfigError);
    expect(() => loadSubgraphConfig('rollout', env({ ROLLOUT_METRICS_PORT: '70000' }))).toThrow(/ROLLOUT_METRICS_PORT/);
    expect(() => loadGatewayConfig(env({ METRICS_HOST: '' }))).toThrow(/METRICS_HOST/);
  });
});

describe('the retry budget, as its figure reads it', () => {
  it('holds 10 whole retries when full, one fewer per retry, and a whole one again after ten requests', () => {
    const budget = new RetryBudget();
    expect(budget.available).toBe(10);
    expect(budget.withdraw()).toBe(true);
    expect(budget.available).toBe(9);
    for (let i = 0; i < 9; i += 1) budget.deposit();
    expect(budget.available).toBe(9);
    budget.deposit();
    expect(budget.available).toBe(10);
  });
});
