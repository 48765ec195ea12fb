import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Sqlite from 'better-sqlite3';
import { Client } from 'pg';
import type { SubgraphName } from '../../platform/config';
import { MigrationsPendingError } from '../../subgraphs/runtime/migrations';
import type { SubgraphHandle } from '../../subgraphs/runtime/start-subgraph';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/ports';
import { createScratchDatabases, type ScratchDatabases } from '../helpers/scratch-databases';
import { spawnService } from '../helpers/service-process';
import { startSubgraphNamed, subgraphConfig, SUBGRAPHS } from '../helpers/subgraph-starters';

/**
 * `npm run migrate` as the command an operator (or the deployment's one-shot job) runs, and a
 * production start (no migration at start) before and after it.
 */
const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const NAMES: SubgraphName[] = ['practices', 'rollout', 'records'];
const SECRET = 'a-deployment-secret-of-at-least-32-characters';
const knownMigrations = (name: SubgraphName) => SUBGRAPHS[name].schema.migrations.map((migration) => migration.name);

/** This process's environment without any database or data variable: each test sets its own. */
const inherited = () =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/DATABASE_URL$|^DATA_DIR$|^NODE_ENV$/.test(key)));

/** The command as `npm run migrate` runs it, with only the given database variables (no inherited ones). */
async function migrate(env: Record<string, string>, args: string[] = []) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/migrate.ts', ...args], {
    cwd: root,
    env: { ...inherited(), NODE_ENV: 'production', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

const ranAll = () =>
  NAMES.map((name) => `${name}: ran ${knownMigrations(name).length} migration(s): ${knownMigrations(name).join(', ')}\n`).join(
    '',
  );
const upToDate = () => NAMES.map((name) => `${name}: up to date\n`).join('');

/** Starts one instance of each subgraph as production does: migrations must already have run. */
async function startInProduction(databases: Record<SubgraphName, TestDatabase['config']>): Promise<SubgraphHandle[]> {
  const handles: SubgraphHandle[] = [];
  try {
    for (const name of NAMES) {
      handles.push(await startSubgraphNamed(name, subgraphConfig(name, databases[name], { migrateAtStart: false })));
    }
  } catch (error) {
    await Promise.allSettled(handles.map((handle) => handle.stop()));
    throw error;
  }
  return handles;
}

describe('npm run migrate on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every migration of each subgraph once, says so, and then finds nothing to do', async () => {
    expect(await migrate({ DATA_DIR: dir })).toEqual({ code: 0, stdout: ranAll(), stderr: '' });
    expect(await migrate({ DATA_DIR: dir })).toEqual({ code: 0, stdout: upToDate(), stderr: '' });
    for (const name of NAMES) {
      const db = new Sqlite(join(dir, `${name}.sqlite`), { readonly: true });
      try {
        const rows = db.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[];
        expect(rows.map((row) => row.name)).toEqual(knownMigrations(name));
      } finally {
        db.close();
      }
    }
    // A production start, which runs no migration, now finds none pending and serves.
    const sqliteOf = (name: SubgraphName) => ({ kind: 'sqlite' as const, path: join(dir, `${name}.sqlite`) });
    const handles = await startInProduction({
      practices: sqliteOf('practices'),
      rollout: sqliteOf('rollout'),
      records: sqliteOf('records'),
    });
    try {
      for (const handle of handles) expect((await fetch(new URL('/readyz', handle.url))).status).toBe(200);
    } finally {
      await Promise.all(handles.map((handle) => handle.stop()));
    }
  }, 60_000);

  it('migrates only the subgraphs named, and refuses a name it does not know', async () => {
    expect(await migrate({ DATA_DIR: dir }, ['rollout'])).toMatchObject({ code: 0, stdout: /^rollout: ran 3 migration\(s\)/ });
    expect(await migrate({ DATA_DIR: dir }, ['rollout', 'records'])).toMatchObject({
      code: 0,
      stdout: /^rollout: up to date\nrecords: ran 9 migration\(s\)/,
    });
    expect(await migrate({ DATA_DIR: dir }, ['pharmacies'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Unknown subgraph: pharmacies (one of practices, rollout, records)\n',
    });
  }, 60_000);

  it('stops on a configuration mistake before changing any database', async () => {
    const result = await migrate({ DATA_DIR: dir, RECORDS_MIGRATION_DATABASE_URL: 'postgres://owner@127.0.0.1:1/records' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RECORDS_MIGRATION_DATABASE_URL: needs RECORDS_DATABASE_URL');
    expect(result.stdout).toBe('');
  }, 30_000);
});

describe('a production start with migrations pending', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('practices');
  });
  afterEach(() => database.drop());

  /** The tables of the test database (the migrations table included). */
  async function tables(): Promise<string[]> {
    const config = database.config;
    if (config.kind === 'sqlite') {
      const db = new Sqlite(config.path, { readonly: true, fileMustExist: false });
      try {
        return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
          (row) => row.name,
        );
      } finally {
        db.close();
      }
    }
    const client = new Client({ connectionString: config.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1',
        [config.schema],
      );
      return rows.map((row) => row.name);
    } finally {
      await client.end();
    }
  }

  it('refuses to start, naming the subgraph, what is pending and the command to run, and changes nothing', async () => {
    const start = startSubgraphNamed('practices', subgraphConfig('practices', database.config, { migrateAtStart: false }));
    await expect(start).rejects.toThrow(MigrationsPendingError);
    await expect(start).rejects.toThrow(
      `practices: 3 database migration(s) pending (${knownMigrations('practices').join(', ')}); run \`npm run migrate\``,
    );
    expect(await tables()).toEqual([]);
  });

  it('refuses only what is still pending once some have run (a new release before its migration step)', async () => {
    const first = await startSubgraphNamed('practices', subgraphConfig('practices', database.config));
    await first.stop();
    // As if this release's last migration were new: remove its record.
    const last = knownMigrations('practices').at(-1)!;
    const config = database.config;
    if (config.kind === 'sqlite') {
      const db = new Sqlite(config.path);
      db.prepare('DELETE FROM migrations WHERE name = ?').run(last);
      db.close();
    } else {
      const client = new Client({ connectionString: config.url });
      await client.connect();
      await client.query(`DELETE FROM "${config.schema}".migrations WHERE name = $1`, [last]).finally(() => client.end());
    }
    await expect(
      startSubgraphNamed('practices', subgraphConfig('practices', database.config, { migrateAtStart: false })),
    ).rejects.toThrow(`practices: 1 database migration(s) pending (${last})`);
  });

  it('as a process, with NODE_ENV=production: exits 1 with the message, then starts once migrated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-migrate-production-'));
    const env = {
      NODE_ENV: 'production',
      DATA_DIR: dir,
      SUBGRAPH_SIGNING_SECRET: SECRET,
      PRACTICES_PORT: String(await freePort()),
    };
    try {
      const refused = await run(process.execPath, ['--import', 'tsx', 'subgraphs/practices/main.ts'], {
        cwd: root,
        env: { ...inherited(), ...env },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'practices failed to start: practices: 3 database migration(s) pending (CreatePractices1764000000000, AddPracticeLifecycle1764100000000, PracticeDirectoryVersion1764300000000); run `npm run migrate` as the schema owner',
      );

      expect(await migrate({ DATA_DIR: dir }, ['practices'])).toMatchObject({ code: 0 });
      const service = await spawnService({
        name: 'practices',
        entry: 'subgraphs/practices/main.ts',
        env,
      });
      try {
        expect((await fetch(new URL('/readyz', service.url))).status).toBe(200);
      } finally {
        await service.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

(TEST_DATABASE_URL ? describe : describe.skip)('npm run migrate on PostgreSQL', () => {
  let databases: ScratchDatabases;
  beforeAll(async () => {
    databases = await createScratchDatabases('migrate_cmd');
  });
  afterAll(() => databases?.drop());

  it('runs every migration once through each migration URL; production instances then serve', async () => {
    const env: Record<string, string> = {};
    for (const name of NAMES) {
      // The service URL is a placeholder the command never uses: it migrates as the owner.
      env[`${name.toUpperCase()}_DATABASE_URL`] = 'postgres://nobody@127.0.0.1:1/unused';
      env[`${name.toUpperCase()}_MIGRATION_DATABASE_URL`] = databases.urls[name];
    }
    expect(await migrate(env)).toEqual({ code: 0, stdout: ranAll(), stderr: '' });
    expect(await migrate(env)).toEqual({ code: 0, stdout: upToDate(), stderr: '' });
    const pg = (name: SubgraphName) => ({ kind: 'postgres' as const, url: databases.urls[name] });
    const handles = await startInProduction({ practices: pg('practices'), rollout: pg('rollout'), records: pg('records') });
    try {
      for (const handle of handles) expect((await fetch(new URL('/readyz', handle.url))).status).toBe(200);
    } finally {
      await Promise.all(handles.map((handle) => handle.stop()));
    }
  }, 60_000);
});
