import { DEFAULT_CLOCK_TOLERANCE_MS, loadSubgraphConfig } from '../../../subgraphs/runtime/config';
import { ConfigError } from '../../../platform/config';

const env = (extra: Record<string, string>) => ({ SUBGRAPH_SIGNING_SECRET: 'x'.repeat(32), ...extra });

describe('the records clock tolerance setting', () => {
  it('defaults to twice the largest skew each subgraph accepts against the gateway', () => {
    const config = loadSubgraphConfig('records', env({}));
    expect(config.clockToleranceMs).toBe(DEFAULT_CLOCK_TOLERANCE_MS);
    expect(config.clockToleranceMs).toBe(2 * config.maxClockSkewMs!);
  });

  it('refuses a tolerance below twice the accepted skew, naming the variable', () => {
    expect(() => loadSubgraphConfig('records', env({ CLOCK_TOLERANCE_MS: '59999' }))).toThrow(ConfigError);
    expect(() => loadSubgraphConfig('records', env({ CLOCK_TOLERANCE_MS: '59999' }))).toThrow(/CLOCK_TOLERANCE_MS/);
    expect(loadSubgraphConfig('records', env({ CLOCK_TOLERANCE_MS: '20000', MAX_CLOCK_SKEW_MS: '10000' })).clockToleranceMs).toBe(
      20_000,
    );
  });

  it('refuses a tolerance that is not a whole, non-negative number of milliseconds', () => {
    for (const bad of ['-1', '1.5', 'soon']) {
      expect(() => loadSubgraphConfig('records', env({ CLOCK_TOLERANCE_MS: bad }))).toThrow(/CLOCK_TOLERANCE_MS/);
    }
  });
});
