import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubgraphName } from '../../platform/config';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';
import { TEST_DATABASE_URL } from '../helpers/database';
import { withPostgresClient } from '../helpers/postgres-client';
import { CAPTURED_AT, command, createActivity, DRILL, logs, READS_PER_VIEWS, views } from '../helpers/restore-drill';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The restore drill on PostgreSQL, as docker-compose deploys it: a database per subgraph, each
 * service serving as its own restricted user and migrating as the owner, the grants files
 * applied. Activity; what the gateway shows is captured; `npm run backup` while the services
 * run; the services stop and the databases are dropped; empty databases are made again as the
 * deployment makes them; `npm run restore`; the services start again, with no grants applied
 * this time: the same views, the same logs, the same rows, owners, grants and triggers, and the
 * append-only logs still refuse UPDATE, DELETE and TRUNCATE to the service users.
 */
const NAMES: SubgraphName[] = ['practices', 'rollout', 'records'];
/** The append-only tables of each database (decision 0070, records-grants.sql). */
const APPEND_ONLY: Record<SubgraphName, string[]> = {
  practices: [],
  rollout: ['rollout_event'],
  records: ['access_log', 'change_log', 'exclusion_event', 'trusted_operation'],
};

(TEST_DATABASE_URL ? describe : describe.skip)('backup and restore drill (PostgreSQL)', () => {
  const serverUrl = TEST_DATABASE_URL ?? '';
  const suffix = randomBytes(5).toString('hex');
  const password = randomBytes(16).toString('hex');
  const databaseOf = (name: SubgraphName) => `t_drill_${name}_${suffix}`;
  const roleOf = (name: SubgraphName) => `${name}_service_${suffix}`;
  const urlOf = (name: SubgraphName, role?: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${databaseOf(name)}`;
    if (role) {
      url.username = role;
      url.password = password;
    }
    return url.href;
  };
  const ownerUrl = (name: SubgraphName) => urlOf(name);
  const serviceUrl = (name: SubgraphName) => urlOf(name, roleOf(name));
  const backups = mkdtempSync(join(tmpdir(), 'cas-drill-'));
  let supergraph: Supergraph | undefined;

  const connected = withPostgresClient;

  /** As init-databases.sql and service-roles.sh do on a new volume: an empty database only its own role may enter. */
  async function makeEmptyDatabase(name: SubgraphName): Promise<void> {
    await connected(serverUrl, (client) => client.query(`CREATE DATABASE "${databaseOf(name)}"`));
    await connected(ownerUrl(name), async (client) => {
      await client.query(`REVOKE CONNECT ON DATABASE "${databaseOf(name)}" FROM PUBLIC`);
      await client.query(`GRANT CONNECT ON DATABASE "${databaseOf(name)}" TO ${roleOf(name)}`);
      if (name !== 'records')
        await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${roleOf(name)}`);
    });
  }

  const dropDatabases = () =>
    connected(serverUrl, async (client) => {
      for (const name of NAMES) await client.query(`DROP DATABASE IF EXISTS "${databaseOf(name)}" WITH (FORCE)`);
    });

  const databases = (): Record<SubgraphName, DatabaseConfig> =>
    Object.fromEntries(
      NAMES.map((name) => [name, { kind: 'postgres', url: serviceUrl(name), migrationUrl: ownerUrl(name) }]),
    ) as Record<SubgraphName, DatabaseConfig>;

  /** What `npm run backup` and `npm run restore` read, as in docker-compose.yml. */
  const environment = () =>
    Object.fromEntries(
      NAMES.flatMap((name) => [
        [`${name.toUpperCase()}_DATABASE_URL`, serviceUrl(name)],
        [`${name.toUpperCase()}_MIGRATION_DATABASE_URL`, ownerUrl(name)],
      ]),
    );

  /**
   * Everything a restore must bring back, read as the owner: each table's rows (a digest and a
   * count), each sequence's position, each table's and sequence's owner and grants, the triggers,
   * the default privileges and who may connect.
   */
  const fingerprint = (name: SubgraphName) =>
    connected(ownerUrl(name), async (client) => {
      const { rows: relations } = await client.query<{ name: string; kind: string; owner: string; acl: string | null }>(
        // The rights in force: no ACL stored means the owner's defaults, as a dump restores them.
        `SELECT c.relname AS name, c.relkind::text AS kind, pg_get_userbyid(c.relowner) AS owner,
                (SELECT array_agg(a.grantee::regrole::text || ' ' || a.privilege_type ORDER BY 1)
                   FROM aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
                )::text AS acl
           FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY c.relname`,
      );
      const columns = await client.query<{ grant: string }>(
        `SELECT t.attrelid::regclass::text || '.' || t.attname || ' ' || t.attacl::text AS grant
           FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid
          WHERE c.relnamespace = 'public'::regnamespace AND t.attacl IS NOT NULL ORDER BY 1`,
      );
      const contents: Record<string, string> = {};
      for (const relation of relations) {
        const { rows } = await client.query<{ content: string }>(
          relation.kind === 'S'
            ? `SELECT last_value::text || '/' || is_called::text AS content FROM "${relation.name}"`
            : `SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS content
                 FROM "${relation.name}" t`,
        );
        contents[relation.name] = rows[0]!.content;
      }
      const triggers = await client.query<{ trigger: string }>(
        `SELECT tgrelid::regclass::text || '.' || tgname || ' ' || pg_get_triggerdef(oid) AS trigger
           FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
      );
      const defaults = await client.query<{ acl: string }>(`SELECT defaclacl::text AS acl FROM pg_default_acl ORDER BY 1`);
      const connect = await client.query<{ acl: string }>(
        `SELECT datacl::text AS acl FROM pg_database WHERE datname = current_database()`,
      );
      return {
        relations,
        columns: columns.rows.map((row) => row.grant),
        contents,
        triggers: triggers.rows.map((row) => row.trigger),
        defaults: defaults.rows.map((row) => row.acl),
        connect: connect.rows[0]?.acl,
      };
    });
  const fingerprints = async () =>
    Object.fromEntries(await Promise.all(NAMES.map(async (name) => [name, await fingerprint(name)])));

  const start = () => startSupergraph({ now: CAPTURED_AT, databases: databases() });

  beforeAll(async () => {
    await connected(serverUrl, async (client) => {
      for (const name of NAMES) await client.query(`CREATE ROLE ${roleOf(name)} LOGIN PASSWORD '${password}'`);
    });
    for (const name of NAMES) await makeEmptyDatabase(name);
    supergraph = await start();
    // As the one-shot <name>-grants services do, once each subgraph has migrated.
    for (const name of NAMES) {
      const file = readFileSync(join(__dirname, '..', '..', 'docker', 'postgres', `${name}-grants.sql`), 'utf8');
      await connected(ownerUrl(name), (client) =>
        client.query(file.replace(new RegExp(`\\b${name}_service\\b`, 'g'), roleOf(name))),
      );
    }
    await createActivity(new Scenario(supergraph));
  }, 120_000);

  afterAll(async () => {
    await supergraph?.stop();
    await dropDatabases();
    await connected(serverUrl, async (client) => {
      for (const name of NAMES) await client.query(`DROP ROLE IF EXISTS ${roleOf(name)}`);
    });
    rmSync(backups, { recursive: true, force: true });
  });

  let before: { views: unknown; logs: Awaited<ReturnType<typeof logs>>; tables: Record<string, unknown> };
  /** The first backup's files, in NAMES order. */
  let files: string[] = [];

  it('dump, drop, restore: the patient view, the rollout history, the logs and every row are the same', async () => {
    const s = new Scenario(supergraph!);
    // Views first (they add to the access log), then the logs, then the backup: nothing writes between.
    before = { views: await views(s), logs: await logs(s), tables: await fingerprints() };
    expect(before.logs.records.patient.accessLog.totalCount).toBeGreaterThanOrEqual(3);

    // Online: the services are still running.
    const backup = await command('backup', ['--out', backups], environment());
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    files = backup.stdout.trim().split('\n');
    expect(files.map((file) => file.slice(backups.length + 1).replace(/-\d{8}T\d{6}Z/, ''))).toEqual([
      'practices.dump',
      'rollout.dump',
      'records.dump',
    ]);
    expect(backup.stdout).not.toContain(password);

    await supergraph!.stop();
    supergraph = undefined;
    await dropDatabases();
    const left = await connected(serverUrl, (client) =>
      client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`t_drill_%_${suffix}`]),
    );
    expect(left.rows).toEqual([]);

    for (const name of NAMES) await makeEmptyDatabase(name);
    for (const [index, name] of NAMES.entries()) {
      expect(await command('restore', [name, files[index]!], environment())).toEqual({
        code: 0,
        stdout: `${name}: restored from ${files[index]}\n`,
        stderr: '',
      });
    }
    expect(await fingerprints()).toEqual(before.tables);

    // The services start on the restored databases as their own users; no grants file is applied again.
    supergraph = await start();
    const s2 = new Scenario(supergraph);
    expect(await logs(s2)).toEqual(before.logs);
    expect(await views(s2)).toEqual(before.views);
    // The reads just made were appended after the restored lines, which are unchanged.
    const after = await logs(s2);
    const restored = before.logs.records.patient.accessLog;
    expect(after.records.patient.accessLog.totalCount).toBe(restored.totalCount + READS_PER_VIEWS);
    expect(after.records.patient.accessLog.edges.slice(READS_PER_VIEWS)).toEqual(restored.edges);
  }, 180_000);

  it('a restore over a database that holds tables is refused without --replace, and changes nothing', async () => {
    const file = join(
      backups,
      (await command('backup', ['--out', backups, 'records'], environment())).stdout.trim().split('/').pop()!,
    );
    const held = await fingerprint('records');
    const refused = await command('restore', ['records', file], environment());
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^Refused: records: the database already holds \d+ table\(s\); pass --replace/);
    expect(await fingerprint('records')).toEqual(held);
    // A file of the other kind is refused too.
    expect((await command('restore', ['records', join(backups, 'records.sqlite')], environment())).code).toBe(3);
  }, 60_000);

  it.each(
    NAMES.flatMap((name) =>
      APPEND_ONLY[name].flatMap((table) =>
        [`UPDATE ${table} SET id = id`, `DELETE FROM ${table}`, `TRUNCATE ${table}`].map((sql) => [name, sql] as const),
      ),
    ),
  )('after the restore, the %s service user is still refused: %s', async (name, sql) => {
    await expect(connected(serviceUrl(name), (client) => client.query(sql))).rejects.toMatchObject({ code: '42501' });
  });

  it('after the restore, the service users still write: an entry, a pause and a read are recorded', async () => {
    const s = new Scenario(supergraph!);
    s.at('2024-01-15T13:00:00.000Z');
    await s.addEntry(DRILL.home, DRILL.nhs, 'After the restore');
    await s.pause(DRILL.home, 'Drill over');
    const history = (await logs(s)).rollout as { practice: { accessStatus: string; rolloutHistory: unknown[] } };
    expect(history.practice.accessStatus).toBe('PAUSED');
    expect(history.practice.rolloutHistory).toHaveLength(
      (before.logs.rollout as { practice: { rolloutHistory: unknown[] } }).practice.rolloutHistory.length + 1,
    );
  });

  it('with --replace, a restore over the databases puts the backup back: the later entry and pause are gone', async () => {
    await supergraph!.stop();
    supergraph = undefined;
    for (const [index, name] of NAMES.entries()) {
      expect((await command('restore', [name, files[index]!, '--replace'], environment())).code).toBe(0);
    }
    expect(await fingerprints()).toEqual(before.tables);
  }, 120_000);
});
