import { DEFAULT_DATABASE_LIMITS, loadSubgraphConfig } from '../../../subgraphs/runtime/config';
import { ConfigError } from '../../../platform/config';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  SUBGRAPH_SIGNING_SECRET: 'a-deployment-secret-of-at-least-32-characters',
  RECORDS_DATABASE_URL: 'postgres://records@db:5432/records',
  ...extra,
});

describe('the database limits a subgraph reads from its environment', () => {
  it('default to a busy timeout of 5 s, a pool of 10, a 5 s connect timeout, a 30 s idle timeout, a 10 s statement timeout and prepared statements', () => {
    expect(loadSubgraphConfig('records', env()).database.limits).toEqual(DEFAULT_DATABASE_LIMITS);
    expect(DEFAULT_DATABASE_LIMITS).toEqual({
      busyTimeoutMs: 5000,
      poolSize: 10,
      connectTimeoutMs: 5000,
      idleTimeoutMs: 30_000,
      statementTimeoutMs: 10_000,
      preparedStatements: true,
    });
  });

  it('are set by DATABASE_* variables, for SQLite as for PostgreSQL', () => {
    const limits = {
      DATABASE_BUSY_TIMEOUT_MS: '2500',
      DATABASE_POOL_SIZE: '4',
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      DATABASE_IDLE_TIMEOUT_MS: '60000',
      DATABASE_STATEMENT_TIMEOUT_MS: '20000',
      DATABASE_PREPARED_STATEMENTS: 'false',
    };
    const expected = {
      busyTimeoutMs: 2500,
      poolSize: 4,
      connectTimeoutMs: 1500,
      idleTimeoutMs: 60_000,
      statementTimeoutMs: 20_000,
      preparedStatements: false,
    };
    expect(loadSubgraphConfig('records', env(limits)).database.limits).toEqual(expected);
    const { RECORDS_DATABASE_URL: _, ...sqlite } = env(limits);
    expect(loadSubgraphConfig('records', sqlite).database).toMatchObject({ kind: 'sqlite', limits: expected });
  });

  it('name each PostgreSQL connection after its service, as pg_stat_activity shows it', () => {
    expect(loadSubgraphConfig('records', env()).database).toMatchObject({
      kind: 'postgres',
      applicationName: 'citizen-access-records',
    });
  });

  it.each([
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_POOL_SIZE', 'ten'],
    ['DATABASE_BUSY_TIMEOUT_MS', '-1'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '10'],
    ['DATABASE_IDLE_TIMEOUT_MS', '1.5'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '86400000'],
  ])('refuse %s=%s with a message that names the variable', (name, value) => {
    expect(() => loadSubgraphConfig('records', env({ [name]: value }))).toThrow(ConfigError);
    expect(() => loadSubgraphConfig('records', env({ [name]: value }))).toThrow(new RegExp(`${name}: `));
  });
});
