import type { DataSource } from 'typeorm';
import { checkDataVersion, readDataVersion } from '../../subgraphs/runtime/data-version';
import { PRACTICE_DIRECTORY_VERSION } from '../../subgraphs/practices/store/practice-store';
import { practicesDatabase } from '../../subgraphs/practices/server';
import { RolloutEventEntity } from '../../subgraphs/rollout/entities/rollout-event';
import type { RolloutEvent } from '../../subgraphs/rollout/domain/rollout-event';
import { ROLLOUT_HISTORY_VERSION, RolloutStore } from '../../subgraphs/rollout/store/rollout-store';
import { rolloutDatabase } from '../../subgraphs/rollout/server';
import { databaseKind, openFreshDatabase, type FreshDatabase } from '../helpers/database';
import { codes, Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The rollout subgraph keeps the practice membership and every history between analysts'
 * requests, under each database's data version (subgraphs/common/data-version.ts). These tests
 * hold it to what an analyst would see if nothing were kept: every write, through the API or
 * straight into a database, shows in the very next figure; and a figure still fails when the
 * practices subgraph or a version cannot answer, never served from what was kept.
 */
describe('analytics: kept inputs, read-after-write', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const SUMMARY = `query($g: RolloutGrouping!) { rolloutSummary(groupBy: $g) { key total notScheduled scheduled enabled paused } }`;
  type Counts = { key: string; total: number; notScheduled: number; scheduled: number; enabled: number; paused: number };

  const summary = async (groupBy: 'NATIONAL' | 'ICB' = 'ICB') =>
    (await s.ok<{ rolloutSummary: Counts[] }>(Scenario.analyst, SUMMARY, { g: groupBy })).rolloutSummary;
  const group = (counts: Counts[], key: string) => counts.find((c) => c.key === key);

  const practicesDb = (): DataSource => supergraph.subgraphs.practices.database.dataSource;
  const rolloutDb = (): DataSource => supergraph.subgraphs.rollout.database.dataSource;
  const param = (n: number) => (databaseKind === 'postgres' ? `$${n}` : '?');

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW });
    s = new Scenario(supergraph);
    await s.createPractice('V10001', 'EMIS', 'QA1');
    await s.createPractice('V10002', 'EMIS', 'QA1');
    await s.createPractice('V10003', 'TPP', 'QA2');
    await s.schedule('V10001', '2024-02-01T08:00:00.000Z');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('a repeated figure reads one small version from each database, and no practice or event', async () => {
    await summary(); // the first reads everything
    const practices = supergraph.subgraphs.practices.database.statements;
    const rollout = supergraph.subgraphs.rollout.database.statements;
    const before = { practices: practices.count, rollout: rollout.count };
    const counts = await summary();
    expect({ practices: practices.count - before.practices, rollout: rollout.count - before.rollout }).toEqual({
      practices: 1,
      rollout: 1,
    });
    expect(group(counts, 'QA1')).toMatchObject({ total: 2, scheduled: 1, notScheduled: 1 });
  });

  it('a plan that takes effect by itself counts from its very instant, though nothing was written', async () => {
    const enabled = async () => group(await summary(), 'QA1')!.enabled;
    try {
      for (const [instant, expected] of [
        ['2024-02-01T07:59:59.999Z', 0],
        ['2024-02-01T08:00:00.000Z', 1],
        ['2024-02-01T07:59:59.999Z', 0],
        ['2024-02-01T08:00:00.000Z', 1],
      ] as const) {
        s.at(instant);
        expect(await enabled()).toBe(expected);
      }
    } finally {
      s.at(NOW);
    }
  });

  it('a practice moved to another ICB through the API is counted there in the very next figure', async () => {
    expect(group(await summary(), 'QA2')).toMatchObject({ total: 1 });
    await s.createPractice('V10002', 'EMIS', 'QA2');
    const counts = await summary();
    expect(group(counts, 'QA1')).toMatchObject({ total: 1, scheduled: 1 });
    expect(group(counts, 'QA2')).toMatchObject({ total: 2, notScheduled: 2 });
  });

  it('a new ICB name shows in the very next figure', async () => {
    const LABELLED = `{ rolloutSummary(groupBy: ICB) { key label } }`;
    await s.ok(Scenario.analyst, LABELLED);
    await s.ok(Scenario.nhse, `mutation($input: PracticeInput!) { upsertPractice(input: $input) { odsCode } }`, {
      input: {
        odsCode: 'V10003',
        name: 'Practice V10003',
        postcode: 'LS1 3EX',
        supplier: 'TPP',
        icbCode: 'QA2',
        icbName: 'Renamed ICB',
      },
    });
    const labels = await s.ok<{ rolloutSummary: { key: string; label: string }[] }>(Scenario.analyst, LABELLED);
    expect(labels.rolloutSummary.find((c) => c.key === 'QA2')?.label).toBe('Renamed ICB');
  });

  it('a rollout change through the API shows in the very next figure: schedule, switch-on, pause', async () => {
    await summary();
    await s.schedule('V10002', '2024-03-01T08:00:00.000Z');
    expect(group(await summary(), 'QA2')).toMatchObject({ scheduled: 1, notScheduled: 1 });
    await s.switchOn('V10002');
    expect(group(await summary(), 'QA2')).toMatchObject({ enabled: 1, scheduled: 0 });
    await s.pause('V10002');
    expect(group(await summary(), 'QA2')).toMatchObject({ enabled: 0, paused: 1 });
  });

  it('a write straight into the practices database (an import, a SQL prompt) shows in the very next figure', async () => {
    const [before] = await summary('NATIONAL');
    await practicesDb().query(`UPDATE practice SET closed_on = ${param(1)} WHERE ods_code = ${param(2)}`, [
      '2024-01-01',
      'V10003',
    ]);
    const [after] = await summary('NATIONAL');
    expect(after!.total).toBe(before!.total - 1);
    await practicesDb().query(`UPDATE practice SET closed_on = NULL WHERE ods_code = ${param(1)}`, ['V10003']);
    expect((await summary('NATIONAL'))[0]!.total).toBe(before!.total);
  });

  it('an event written straight into the rollout database shows in the very next figure', async () => {
    const counts = await summary();
    expect(group(counts, 'QA2')).toMatchObject({ paused: 1 });
    const [{ seq }] = await rolloutDb().query<[{ seq: number | string }]>(
      `SELECT max(seq) AS seq FROM rollout_event WHERE ods_code = ${param(1)}`,
      ['V10002'],
    );
    await rolloutDb()
      .getRepository(RolloutEventEntity)
      .insert({
        odsCode: 'V10002',
        seq: Number(seq) + 1,
        kind: 'RESUMED',
        at: new Date(NOW),
        actorRole: 'supplier',
        actorId: 'EMIS',
        reason: null,
        plannedSwitchOnAt: null,
        noticeOverridden: false,
      });
    expect(group(await summary(), 'QA2')).toMatchObject({ paused: 0, enabled: 1 });
  });

  it('every write changes the version, in its own transaction: a rolled-back write leaves it as it was', async () => {
    const version = () => readDataVersion(practicesDb().manager, 'practice_directory');
    const first = await version();
    await expect(
      practicesDb().transaction(async (manager) => {
        await manager.query(`UPDATE practice SET name = ${param(1)} WHERE ods_code = ${param(2)}`, ['Renamed', 'V10001']);
        expect(await readDataVersion(manager, 'practice_directory')).not.toBe(first);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await version()).toBe(first);
    for (const sql of [
      `INSERT INTO integrated_care_board (code, name) VALUES ('QA9', 'ICB QA9')`,
      `UPDATE integrated_care_board SET name = 'ICB nine' WHERE code = 'QA9'`,
      `DELETE FROM integrated_care_board WHERE code = 'QA9'`,
    ]) {
      const was = await version();
      await practicesDb().query(sql);
      expect(await version()).not.toBe(was);
    }
  });

  it('a version that cannot be read fails the figure (INTERNAL_SERVER_ERROR, no counts), though the inputs are kept', async () => {
    await summary();
    const saved = await rolloutDb().query<{ version: string }[]>(
      `SELECT version FROM data_version WHERE name = 'rollout_history'`,
    );
    await rolloutDb().query(`DELETE FROM data_version WHERE name = 'rollout_history'`);
    try {
      const response = await s.as(Scenario.analyst, SUMMARY, { g: 'ICB' });
      expect(codes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(response.body.data ?? null).toBeNull();
      expect(JSON.stringify(response.body)).not.toMatch(/data_version|rollout_history/);
    } finally {
      await rolloutDb().query(`INSERT INTO data_version (name, version) VALUES ('rollout_history', ${param(1)})`, [
        saved[0]!.version,
      ]);
    }
    expect(group(await summary(), 'QA1')).toMatchObject({ total: 1 });
  });

  it('with the membership kept, a practices subgraph that is down still fails the figure: nothing from what was kept', async () => {
    await summary();
    await supergraph.stopSubgraph('practices');
    const response = await s.as(Scenario.analyst, SUMMARY, { g: 'ICB' });
    expect(response.body.data ?? null).toBeNull();
    expect(codes(response).length).toBeGreaterThan(0);
    expect(JSON.stringify(response.body)).not.toMatch(/"total"/);
  });
});

describe('data versions in the database', () => {
  let opened: FreshDatabase | undefined;
  afterEach(async () => {
    await opened?.drop();
    opened = undefined;
  });

  it('the start-up check refuses a watched table a migration left without its triggers (SQLite drops them with a rebuilt table)', async () => {
    opened = await openFreshDatabase('versions', practicesDatabase);
    await checkDataVersion(opened.dataSource, PRACTICE_DIRECTORY_VERSION);
    const trigger = databaseKind === 'postgres' ? 'practice_directory_practice_changed' : 'practice_directory_practice_update';
    await opened.dataSource.query(
      databaseKind === 'postgres' ? `DROP TRIGGER "${trigger}" ON practice` : `DROP TRIGGER "${trigger}"`,
    );
    await expect(checkDataVersion(opened.dataSource, PRACTICE_DIRECTORY_VERSION)).rejects.toThrow(
      `data version practice_directory no longer sees writes to practice (missing triggers: ${trigger})`,
    );
  });

  it('a history version, after the rollout migrations: changed by each event written (and, on PostgreSQL, by TRUNCATE)', async () => {
    const fresh = await openFreshDatabase('versions', rolloutDatabase);
    opened = fresh;
    await checkDataVersion(fresh.dataSource, ROLLOUT_HISTORY_VERSION);
    const version = () => readDataVersion(fresh.dataSource.manager, ROLLOUT_HISTORY_VERSION.name);
    const first = await version();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    await opened.dataSource.getRepository(RolloutEventEntity).insert({
      odsCode: 'V10001',
      seq: 1,
      kind: 'SCHEDULED',
      at: new Date('2024-01-15T12:00:00.000Z'),
      actorRole: 'supplier',
      actorId: 'EMIS',
      reason: null,
      plannedSwitchOnAt: new Date('2024-02-01T08:00:00.000Z'),
      noticeOverridden: false,
    });
    const second = await version();
    expect(second).not.toBe(first);
    if (databaseKind === 'postgres') {
      await opened.dataSource.query('TRUNCATE rollout_event');
      expect(await version()).not.toBe(second);
    }
  });
});

describe('writers of a watched table, racing', () => {
  let opened: FreshDatabase | undefined;
  afterEach(async () => {
    await opened?.drop();
    opened = undefined;
  });

  it('two waves of several statements over the same practices: one is stored, the other is CONFLICT (no deadlock, nothing half-written)', async () => {
    const fresh = await openFreshDatabase('racing', rolloutDatabase);
    opened = fresh;
    const store = new RolloutStore(fresh.dataSource);
    const event: RolloutEvent = {
      kind: 'SCHEDULED',
      at: new Date('2024-01-15T12:00:00.000Z'),
      actor: { role: 'nhse', id: 'nhse-test' },
      reason: null,
      plannedSwitchOnAt: new Date('2024-03-01T08:00:00.000Z'),
      noticeOverridden: false,
    };
    // Two statements each (200 rows a statement). The second wave's first statement touches no
    // practice of the first wave's first, but the first wave's second statement meets it: with
    // the version taken after each statement, each would wait for the other (a deadlock).
    const codes = (from: number, count: number) => Array.from({ length: count }, (_, i) => `R${String(10000 + from + i)}`);
    const [a, b, c] = [codes(0, 200), codes(200, 50), codes(250, 150)];
    const wave = (order: string[]) => order.map((odsCode) => ({ odsCode, seq: 1, event }));
    const first = [...a, ...b];
    const second = [...b, ...c, ...a];
    const outcomes = await Promise.allSettled([store.appendAll(wave(first)), store.appendAll(wave(second))]);
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected'
        ? [(outcome.reason as { extensions?: { code?: string } }).extensions?.code ?? String(outcome.reason)]
        : [],
    );
    expect(refused).toEqual(['CONFLICT']);
    const stored = (await fresh.dataSource.query<{ code: string }[]>('SELECT ods_code AS "code" FROM rollout_event')).map(
      (row) => row.code,
    );
    const winner = outcomes[0].status === 'fulfilled' ? first : second;
    expect(stored.sort()).toEqual([...winner].sort());
  }, 30_000);
});
