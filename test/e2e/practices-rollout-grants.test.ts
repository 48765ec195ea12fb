import { join } from 'node:path';
import { importPracticesFile } from '../../subgraphs/practices/import/practice-file';
import { practicesDatabase } from '../../subgraphs/practices/server';
import { rolloutDatabase } from '../../subgraphs/rollout/server';
import { openDatabase } from '../../subgraphs/runtime/database';
import { TEST_DATABASE_URL } from '../helpers/database';
import { Scenario } from '../helpers/scenario';
import { serviceUser } from '../helpers/service-user';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Practices and rollout serve as their own database users, which hold exactly
 * docker/postgres/practices-grants.sql and rollout-grants.sql: enough for everything each
 * service does, and no DELETE anywhere, no UPDATE on the rollout history, no DDL, nothing of the
 * other's data. Run in docker-compose.yml's order: each role exists with only the init script's
 * default SELECT; the subgraph migrates (and seeds) as the owner through its migration URL and
 * connects as the role; then the checked-in file (with the test's role name) is applied, before
 * any request.
 */
const root = join(__dirname, '..', '..');
const ownerUrl = TEST_DATABASE_URL ?? '';

/** What each role may do on each table and sequence of its schema: the policy its file must meet. */
const EXPECTED = {
  practices: {
    practice: ['INSERT', 'SELECT', 'UPDATE'],
    integrated_care_board: ['INSERT', 'SELECT', 'UPDATE'],
    data_version: ['SELECT'],
    migrations: ['SELECT'],
    migrations_id_seq: [],
  },
  rollout: {
    rollout_event: ['INSERT', 'SELECT'],
    rollout_event_id_seq: ['USAGE'],
    data_version: ['SELECT'],
    migrations: ['SELECT'],
    migrations_id_seq: [],
  },
};

(TEST_DATABASE_URL ? describe : describe.skip)(
  'the practices and rollout service users (PostgreSQL only: SQLite has no users)',
  () => {
    const practices = serviceUser('practices', ownerUrl);
    const rollout = serviceUser('rollout', ownerUrl);
    const users = { practices, rollout };
    const NEW = ['P99001', 'P99002', 'P99003'];
    let supergraph: Supergraph | undefined;
    let s: Scenario;
    let beforeGrants: Record<'practices' | 'rollout', Record<string, string[]>>;
    let eventsAfterScenario: number;

    const events = () =>
      rollout.asService(async (client) => {
        const { rows } = await client.query<{ events: number }>('SELECT count(*)::int AS events FROM rollout_event');
        return rows[0]!.events;
      });

    beforeAll(async () => {
      await practices.create({ readsAtStart: true });
      await rollout.create({ readsAtStart: true });
      supergraph = await startSupergraph({
        now: '2024-01-15T09:00:00.000Z',
        demoData: true,
        databases: {
          practices: practices.database(),
          rollout: rollout.database(),
        },
      });
      s = new Scenario(supergraph);
      beforeGrants = { practices: await practices.privileges(), rollout: await rollout.privileges() };
      // Twice, as on a second `up`: the file revokes first, so it lands on the same grants.
      for (let up = 0; up < 2; up += 1) {
        await practices.grant();
        await rollout.grant();
      }
    }, 60_000);

    afterAll(async () => {
      await supergraph?.stop();
      await practices.drop();
      await rollout.drop();
    });

    it.each(['practices', 'rollout'] as const)(
      '%s migrated and loaded the demo data as the owner, while its user could only read (the init default)',
      async (name) => {
        const expected = EXPECTED[name];
        expect(Object.keys(beforeGrants[name]).sort()).toEqual(Object.keys(expected).sort());
        for (const [relation, privileges] of Object.entries(beforeGrants[name])) {
          expect({ relation, privileges }).toEqual({ relation, privileges: relation.endsWith('_seq') ? [] : ['SELECT'] });
        }
        expect(await users[name].ownedByOwner()).toBe(true);
      },
    );

    it.each(['practices', 'rollout'] as const)(
      "%s's grants file gives its role exactly the policy: no DELETE, no DDL, only the data version's value to set",
      async (name) => {
        expect(await users[name].privileges()).toEqual(EXPECTED[name]);
        expect(await users[name].columnPrivileges()).toEqual(['data_version.version: UPDATE']);
        expect(await users[name].mayCreateInSchema()).toBe(false);
      },
    );

    it('everything the two services do works through the gateway, as those roles', async () => {
      // New practices (INSERT), then one moved to another ICB (UPDATE of the practice, a new ICB).
      for (const code of NEW) await s.createPractice(code);
      await s.createPractice(NEW[0]!, 'EMIS', 'QHM');
      // The rollout history: planned, switched on, paused, resumed, and a wave (INSERTs only).
      await s.schedule(NEW[0]!, '2024-01-23T09:00:00.000Z');
      await s.switchOn(NEW[1]!);
      await s.pause(NEW[1]!);
      await s.resume(NEW[1]!);
      const wave = await s.ok<{ scheduleSwitchOnWave: { scheduled: unknown[] } }>(
        Scenario.nhse,
        `mutation($o: [ID!]!, $at: DateTime!) { scheduleSwitchOnWave(odsCodes: $o, at: $at) { scheduled { odsCode } } }`,
        { o: [NEW[2]], at: '2024-01-24T09:00:00.000Z' },
      );
      expect(wave.scheduleSwitchOnWave.scheduled).toHaveLength(1);

      const read = await s.ok<Record<string, { icb: { code: string }; accessStatus: string }>>(
        Scenario.nhse,
        `{ ${NEW.map((code, i) => `p${i}: practice(odsCode: "${code}") { icb { code } accessStatus }`).join(' ')} }`,
      );
      expect(NEW.map((_code, i) => [read[`p${i}`]?.icb.code, read[`p${i}`]?.accessStatus])).toEqual([
        ['QHM', 'SCHEDULED'],
        ['QWO', 'ENABLED'],
        ['QWO', 'SCHEDULED'],
      ]);
      // National figures read every history and the whole directory (with their data versions).
      const summary = await s.ok<{ rolloutSummary: { total: number; enabled: number }[] }>(
        Scenario.analyst,
        `{ rolloutSummary(groupBy: NATIONAL) { total enabled } }`,
      );
      expect(summary.rolloutSummary[0]!.total).toBeGreaterThanOrEqual(NEW.length);
      expect(summary.rolloutSummary[0]!.enabled).toBeGreaterThanOrEqual(1);
      eventsAfterScenario = await events();
    });

    it('the practice import runs as the role alone, which also starts on the migrated schema (TypeORM only reads migrations)', async () => {
      const database = await openDatabase({ kind: 'postgres', url: practices.aloneUrl() }, practicesDatabase);
      try {
        const outcome = await importPracticesFile(join(root, 'samples', 'epraccur.csv'), database.dataSource, {
          now: new Date('2024-01-15T09:30:00.000Z'),
        });
        expect(outcome.kind).toBe('imported');
      } finally {
        await database.close();
      }
    });

    it('rollout, too, starts as its role alone on the migrated schema', async () => {
      const database = await openDatabase({ kind: 'postgres', url: rollout.aloneUrl() }, rolloutDatabase);
      await database.close();
    });

    const REFUSED = {
      practices: [
        'DELETE FROM practice',
        'DELETE FROM integrated_care_board',
        'TRUNCATE practice',
        "UPDATE data_version SET name = 'other'",
        'DELETE FROM data_version',
        "INSERT INTO data_version (name, version) VALUES ('other', 'x')",
        'DELETE FROM migrations',
        "INSERT INTO migrations (timestamp, name) VALUES (1, 'Forged1')",
        'DROP TABLE practice',
        'ALTER TABLE practice ADD COLUMN scratch integer',
        'DROP TRIGGER "practice_directory_practice_changed" ON practice',
        'CREATE TABLE scratch (id integer)',
        `SELECT count(*) FROM ${rollout.schema}.rollout_event`,
      ],
      rollout: [
        "UPDATE rollout_event SET reason = 'rewritten'",
        "UPDATE rollout_event SET kind = 'SWITCHED_ON'",
        'DELETE FROM rollout_event',
        'TRUNCATE rollout_event',
        "UPDATE data_version SET name = 'other'",
        'DELETE FROM data_version',
        'DELETE FROM migrations',
        'DROP TABLE rollout_event',
        'ALTER TABLE rollout_event DROP COLUMN reason',
        'DROP TRIGGER "rollout_history_rollout_event_changed" ON rollout_event',
        'DROP FUNCTION data_version_bump()',
        'CREATE TABLE scratch (id integer)',
        `SELECT count(*) FROM ${practices.schema}.practice`,
      ],
    };
    it.each([
      ...REFUSED.practices.map((statement) => ['practices', statement] as const),
      ...REFUSED.rollout.map((statement) => ['rollout', statement] as const),
    ])('as the %s role, `%s` is refused: permission denied (42501)', async (name, statement) => {
      await expect(users[name].asService((client) => client.query(statement))).rejects.toMatchObject({ code: '42501' });
    });

    it('as the role, the rollout history reads whole: every event above is there and none was removed', async () => {
      const { rows } = await rollout.asService((client) =>
        client.query<{ ods_code: string; kinds: string[] }>(
          `SELECT ods_code, array_agg(kind ORDER BY seq) AS kinds FROM rollout_event WHERE ods_code = ANY($1)
          GROUP BY ods_code ORDER BY ods_code`,
          [NEW],
        ),
      );
      expect(rows.map((row) => [row.ods_code, row.kinds.length])).toEqual([
        [NEW[0], 1],
        [NEW[1], 3],
        [NEW[2], 1],
      ]);
      expect(await events()).toBe(eventsAfterScenario);
    });
  },
);
