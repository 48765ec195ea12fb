import { ConfigError } from '../../../platform/config';
import { loadDatabaseConfig, loadSubgraphConfig } from '../../../subgraphs/runtime/config';
import { MigrationsPendingError, pendingMigrations } from '../../../subgraphs/runtime/migrations';

const SECRET = { SUBGRAPH_SIGNING_SECRET: 'a-deployment-secret-of-at-least-32-characters' };

describe('pending migrations', () => {
  it('are the known ones not yet recorded, in the order they run', () => {
    expect(pendingMigrations(['A1', 'B2', 'C3'], [])).toEqual(['A1', 'B2', 'C3']);
    expect(pendingMigrations(['A1', 'B2', 'C3'], ['A1'])).toEqual(['B2', 'C3']);
    expect(pendingMigrations(['A1', 'B2', 'C3'], ['C3', 'A1', 'B2'])).toEqual([]);
  });

  it('ignore recorded migrations this build does not know (a newer build ran them)', () => {
    expect(pendingMigrations(['A1'], ['A1', 'Z9'])).toEqual([]);
  });

  it('stop a production start with a message naming the service and the command to run', () => {
    const error = new MigrationsPendingError('records', ['TrustedOperations1764900000002']);
    expect(error.message).toBe(
      'records: 1 database migration(s) pending (TrustedOperations1764900000002); run `npm run migrate` as the schema owner, then start it again (with NODE_ENV=production a service does not migrate at start)',
    );
  });
});

describe('migrating at start', () => {
  it('is what development does, and tests (NODE_ENV unset or test)', () => {
    expect(loadSubgraphConfig('practices', SECRET).migrateAtStart).toBe(true);
    expect(loadSubgraphConfig('practices', { ...SECRET, NODE_ENV: 'test' }).migrateAtStart).toBe(true);
  });

  it('is off in production, where `npm run migrate` is a step of its own', () => {
    expect(loadSubgraphConfig('rollout', { ...SECRET, NODE_ENV: 'production' }).migrateAtStart).toBe(false);
  });
});

describe("the migration command's database configuration", () => {
  it('needs no signing secret or port, even in production: it serves nothing', () => {
    const env = {
      NODE_ENV: 'production',
      RECORDS_DATABASE_URL: 'postgres://records_service@db:5432/records',
      RECORDS_MIGRATION_DATABASE_URL: 'postgres://owner@db:5432/records',
    };
    expect(loadDatabaseConfig('records', env)).toMatchObject({
      kind: 'postgres',
      url: 'postgres://records_service@db:5432/records',
      migrationUrl: 'postgres://owner@db:5432/records',
    });
  });

  it('is the same the service reads', () => {
    const env = { ...SECRET, PRACTICES_DATABASE_URL: 'postgres://p@db:5432/practices', DATABASE_POOL_SIZE: '3' };
    expect(loadDatabaseConfig('practices', env)).toEqual(loadSubgraphConfig('practices', env).database);
    expect(loadDatabaseConfig('practices', { DATA_DIR: '/srv/data' })).toMatchObject({
      kind: 'sqlite',
      path: '/srv/data/practices.sqlite',
    });
  });

  it('refuses a migration URL without a service URL, as the service does', () => {
    expect(() => loadDatabaseConfig('rollout', { ROLLOUT_MIGRATION_DATABASE_URL: 'postgres://o@db/rollout' })).toThrow(
      ConfigError,
    );
  });
});
