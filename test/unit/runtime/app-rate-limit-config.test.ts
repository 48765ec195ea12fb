import { ConfigError } from '../../../platform/config';
import { loadSubgraphConfig } from '../../../subgraphs/runtime/config';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  SUBGRAPH_SIGNING_SECRET: 'a-deployment-secret-of-at-least-32-characters',
  ...extra,
});

describe("records' app rate limits from the environment", () => {
  it('default to 10 a second and 20 at once per app, 1 a second and 5 at once per patient of an app', () => {
    expect(loadSubgraphConfig('records', env()).appRateLimit).toEqual({
      perSecond: 10,
      burst: 20,
      perPatient: { perSecond: 1, burst: 5 },
    });
  });

  it('are read from APP_RATE_LIMIT_* and APP_PATIENT_RATE_LIMIT_*', () => {
    const limits = env({
      APP_RATE_LIMIT_PER_SECOND: '50',
      APP_RATE_LIMIT_BURST: '100',
      APP_PATIENT_RATE_LIMIT_PER_SECOND: '0.5',
      APP_PATIENT_RATE_LIMIT_BURST: '8',
    });
    expect(loadSubgraphConfig('records', limits).appRateLimit).toEqual({
      perSecond: 50,
      burst: 100,
      perPatient: { perSecond: 0.5, burst: 8 },
    });
  });

  it.each([
    [{ APP_PATIENT_RATE_LIMIT_BURST: '20' }],
    [{ APP_PATIENT_RATE_LIMIT_BURST: '30' }],
    [{ APP_PATIENT_RATE_LIMIT_PER_SECOND: '10' }],
    [{ APP_RATE_LIMIT_BURST: '5' }],
  ])('refuse a patient bucket as large as the app bucket (one patient could use it all): %j', (extra) => {
    expect(() => loadSubgraphConfig('records', env(extra))).toThrow(ConfigError);
    expect(() => loadSubgraphConfig('records', env(extra))).toThrow(/must be below APP_RATE_LIMIT_PER_SECOND/);
  });

  it.each([
    ['APP_PATIENT_RATE_LIMIT_PER_SECOND', '0'],
    ['APP_PATIENT_RATE_LIMIT_BURST', '0'],
    ['APP_PATIENT_RATE_LIMIT_BURST', '1.5'],
  ])('refuse %s=%s', (name, value) => {
    expect(() => loadSubgraphConfig('records', env({ [name]: value }))).toThrow(new RegExp(`${name}: `));
  });
});
