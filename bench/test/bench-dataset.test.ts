import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';
import type { SubgraphName } from '../../platform/config';
import type { RolloutEvent } from '../../subgraphs/rollout/domain/rollout-event';
import { deriveRolloutState } from '../../subgraphs/rollout/domain/rollout-state';
import { ensureDataset, type Dataset } from '../dataset/dataset';
import { startSupergraph } from '../../test/helpers/supergraph';

/**
 * The benchmark's data set, at a tiny size: the files are what the real services expect
 * (their own migrations' schema, rows they read correctly through the gateway), the sample
 * patients are what the manifest says, and a seed always gives the same rows.
 */
jest.setTimeout(120_000);

const NAMES: SubgraphName[] = ['practices', 'rollout', 'records'];
const TINY = { preset: 'small' as const, practices: 300, patients: 300, entries: 20_000, quiet: true };
const DAY = 86_400_000;

/** The stored rows of a data set, table by table in key order, as one hash (access and change logs aside). */
function rowsHash(dir: string): string {
  const hash = createHash('sha256');
  const tables: Record<SubgraphName, [string, string][]> = {
    practices: [
      ['integrated_care_board', 'code'],
      ['practice', 'ods_code'],
    ],
    rollout: [['rollout_event', 'id']],
    records: [
      ['patient', 'nhs_number'],
      ['record_entry', 'id'],
      ['exclusion_event', 'id'],
    ],
  };
  for (const name of NAMES) {
    const db = new Database(join(dir, `${name}.sqlite`), { readonly: true });
    for (const [table, key] of tables[name]) {
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).iterate()) {
        // A patient's record version is random by design (record-version.ts): not part of the data.
        const { record_version: _version, ...data } = row as Record<string, unknown>;
        hash.update(JSON.stringify(data));
      }
    }
    db.close();
  }
  return hash.digest('hex');
}

/** The supergraph's databases: the SQLite files in `dir`. */
const filesIn = (dir: string): Record<SubgraphName, DatabaseConfig> => ({
  practices: { kind: 'sqlite', path: join(dir, 'practices.sqlite') },
  rollout: { kind: 'sqlite', path: join(dir, 'rollout.sqlite') },
  records: { kind: 'sqlite', path: join(dir, 'records.sqlite') },
});

function schemaOf(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      objects: db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all(),
      migrations: db.prepare('SELECT timestamp, name FROM migrations ORDER BY id').all(),
      journalMode: db.pragma('journal_mode', { simple: true }),
    };
  } finally {
    db.close();
  }
}

interface RolloutRow {
  kind: RolloutEvent['kind'];
  at: number;
  actor_role: RolloutEvent['actor']['role'];
  actor_id: string;
  reason: string | null;
  planned_switch_on_at: number | null;
  notice_overridden: number;
}

interface EntryRow {
  id: string;
  type: string;
  recorded_at: number;
  filed_at: number | null;
  available_at: number | null;
  hidden_from_patient: number;
  hidden_reason: string | null;
}

/**
 * The ids a patient sees, newest available first, worked out from the stored rows by the rules
 * of docs/domain.md written out plainly (not by the generator's or the services' code): the practice
 * ENABLED now; available (recorded, or filed for results and letters) inside an access period,
 * not after now, not before registration; not hidden; the patient not excluded. Sample patients
 * are adults long before their first entry, so the age rule never bites (checked).
 */
function expectedView(dir: string, nhsNumber: string, now: Date): string[] {
  const records = new Database(join(dir, 'records.sqlite'), { readonly: true });
  const rollout = new Database(join(dir, 'rollout.sqlite'), { readonly: true });
  try {
    const patient = records.prepare('SELECT * FROM patient WHERE nhs_number = ?').get(nhsNumber) as {
      ods_code: string;
      date_of_birth: string;
      registered_at: number;
    };
    const rows = rollout
      .prepare('SELECT * FROM rollout_event WHERE ods_code = ? ORDER BY seq')
      .all(patient.ods_code) as RolloutRow[];
    const events = rows.map((row): RolloutEvent => ({
      kind: row.kind,
      at: new Date(Number(row.at)),
      actor: { role: row.actor_role, id: row.actor_id },
      reason: row.reason,
      plannedSwitchOnAt: row.planned_switch_on_at === null ? null : new Date(Number(row.planned_switch_on_at)),
      noticeOverridden: row.notice_overridden === 1,
    }));
    const access = deriveRolloutState(events, now);
    const exclusions = records
      .prepare('SELECT snomed_code FROM exclusion_event WHERE nhs_number = ? ORDER BY at, id')
      .all(nhsNumber) as { snomed_code: string }[];
    const excluded = exclusions.length > 0 && exclusions.at(-1)!.snomed_code !== '1364751000000106';
    const entries = records.prepare('SELECT * FROM record_entry WHERE nhs_number = ?').all(nhsNumber) as EntryRow[];
    const adultFrom =
      Date.parse(`${Number(patient.date_of_birth.slice(0, 4)) + 16}${patient.date_of_birth.slice(4)}T00:00:00Z`) + DAY;
    for (const entry of entries) expect(entry.recorded_at).toBeGreaterThan(Math.max(patient.registered_at, adultFrom));
    if (access.status !== 'ENABLED' || excluded) return [];
    const periods = access.periods.map((period) => ({ from: period.from.getTime(), to: period.to?.getTime() ?? Infinity }));
    return entries
      .map((entry) => ({
        entry,
        at: ['TEST_RESULT', 'CLINICAL_LETTER'].includes(entry.type) ? entry.filed_at : entry.recorded_at,
      }))
      .filter(
        ({ entry, at }) =>
          at !== null &&
          at <= now.getTime() &&
          at >= patient.registered_at &&
          periods.some((period) => period.from <= at && at < period.to) &&
          entry.hidden_from_patient === 0,
      )
      .sort((a, b) => b.at! - a.at! || (a.entry.id < b.entry.id ? 1 : -1))
      .map(({ entry }) => entry.id);
  } finally {
    records.close();
    rollout.close();
  }
}

describe('the bench data set', () => {
  let root: string;
  let dataset: Dataset;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cas-bench-dataset-'));
    dataset = await ensureDataset({ ...TINY, seed: 7, dir: join(root, 'seed-7') });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('holds what was asked for, with the sample patients the manifest names', () => {
    expect(dataset.reused).toBe(false);
    expect(dataset.counts).toMatchObject({ practices: 300, icbs: 42, patients: 300, entries: 20_000 });
    const records = new Database(join(dataset.dir, 'records.sqlite'), { readonly: true });
    const count = (sql: string, ...params: unknown[]) =>
      (records
        .prepare(sql)
        .pluck()
        .get(...params) as number) ?? 0;
    expect(count('SELECT COUNT(*) FROM patient')).toBe(300);
    expect(count('SELECT COUNT(*) FROM record_entry')).toBe(20_000);
    const { entries10, entries1000, entries10000 } = dataset.samples.patients;
    for (const [sample, n] of [
      [entries10, 10],
      [entries1000, 1_000],
      [entries10000, 10_000],
    ] as const) {
      expect(sample.entries).toBe(n);
      expect(count('SELECT COUNT(*) FROM record_entry WHERE nhs_number = ?', sample.nhsNumber)).toBe(n);
      expect(sample.odsCode).toBe(dataset.samples.clinicianPractice.odsCode);
    }
    const clinicianPractice = dataset.samples.clinicianPractice;
    expect(count('SELECT COUNT(*) FROM patient WHERE ods_code = ?', clinicianPractice.odsCode)).toBe(clinicianPractice.patients);
    expect(clinicianPractice.patients).toBeGreaterThanOrEqual(100);
    expect(dataset.samples.typical.length).toBeGreaterThan(20);
    // Every row as the services would have written it.
    expect(
      count('SELECT COUNT(*) FROM record_entry e JOIN patient p USING (nhs_number) WHERE e.recorded_at <= p.registered_at'),
    ).toBe(0);
    expect(
      count(`SELECT COUNT(*) FROM record_entry WHERE available_at IS NOT
        (CASE WHEN type IN ('TEST_RESULT', 'CLINICAL_LETTER') THEN filed_at ELSE recorded_at END)`),
    ).toBe(0);
    expect(
      count(
        "SELECT COUNT(*) FROM record_entry WHERE filed_at < recorded_at OR (filed_at IS NOT NULL AND type NOT IN ('TEST_RESULT', 'CLINICAL_LETTER'))",
      ),
    ).toBe(0);
    expect(count('SELECT COUNT(*) FROM record_entry WHERE (hidden_from_patient = 1) IS NOT (hidden_reason IS NOT NULL)')).toBe(0);
    const asOf = Date.parse(dataset.instants.asOf);
    expect(count('SELECT COUNT(*) FROM record_entry WHERE MAX(recorded_at, COALESCE(filed_at, 0)) > ?', asOf)).toBe(0);
    // The shapes the rules filter on are all there.
    expect(count('SELECT COUNT(*) FROM record_entry WHERE hidden_from_patient = 1')).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) FROM record_entry WHERE type = 'TEST_RESULT' AND filed_at IS NULL")).toBeGreaterThan(0);
    expect(count('SELECT COUNT(DISTINCT type) FROM record_entry')).toBe(6);
    records.close();
  });

  it('gives the same rows for the same seed, and other rows for another', async () => {
    const again = await ensureDataset({ ...TINY, seed: 7, dir: join(root, 'seed-7-again') });
    const other = await ensureDataset({ ...TINY, seed: 8, dir: join(root, 'seed-8') });
    expect(rowsHash(again.dir)).toBe(rowsHash(dataset.dir));
    expect(rowsHash(other.dir)).not.toBe(rowsHash(dataset.dir));
    expect(again.samples).toEqual(dataset.samples);
  });

  it('reuses a complete data set made the same way, and regenerates one made otherwise', async () => {
    const reused = await ensureDataset({ ...TINY, seed: 7, dir: dataset.dir });
    expect(reused.reused).toBe(true);
    expect(reused.generatedAt).toBe(dataset.generatedAt);
    // A leftover of an interrupted run (its process gone) is removed, and never taken for a data set.
    mkdirSync(`${dataset.dir}-bigger.tmp-999999999`);
    const bigger = await ensureDataset({ ...TINY, entries: 21_000, seed: 7, dir: `${dataset.dir}-bigger` });
    expect(bigger.reused).toBe(false);
    expect(bigger.counts.entries).toBe(21_000);
    await expect(ensureDataset({ ...TINY, seed: 7, dir: root })).rejects.toThrow(/not a bench data set/);
  });

  it('has the schema the services migrate to', async () => {
    const fresh = join(root, 'fresh');
    const supergraph = await startSupergraph({
      databases: filesIn(fresh),
    });
    await supergraph.stop();
    for (const name of NAMES) {
      const generated = schemaOf(join(dataset.dir, `${name}.sqlite`));
      expect(generated).toEqual(schemaOf(join(fresh, `${name}.sqlite`)));
      expect(generated.journalMode).toBe('wal');
      expect(generated.migrations.map((row) => (row as { name: string }).name)).toEqual(dataset.migrations[name]);
    }
    // The triggers above were dropped while the entries were loaded: every patient has a version all the same.
    const records = new Database(join(dataset.dir, 'records.sqlite'), { readonly: true });
    try {
      const versions = records.prepare('SELECT record_version FROM patient').all() as { record_version: string }[];
      expect(versions.length).toBeGreaterThan(0);
      for (const { record_version } of versions) expect(record_version).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      records.close();
    }
  });

  it('serves the sample patients exactly the entries the rules allow, through the gateway', async () => {
    const now = new Date(dataset.instants.asOf);
    const supergraph = await startSupergraph({
      now: dataset.instants.asOf,
      databases: filesIn(dataset.dir),
    });
    try {
      const view = async (nhsNumber: string, first: number) => {
        const token = await supergraph.token({ role: 'patient', nhsNumber, identityLevel: 'P9' });
        const response = await supergraph.graphql<{
          me: { registeredPractice: { accessStatus: string }; record: { totalCount: number; edges: { node: { id: string } }[] } };
        }>(token, `{ me { registeredPractice { accessStatus } record(first: ${first}) { totalCount edges { node { id } } } } }`);
        expect(response.body.errors).toBeUndefined();
        return response.body.data!.me;
      };
      const { entries10, entries1000, entries10000 } = dataset.samples.patients;
      const ten = await view(entries10.nhsNumber, 100);
      const expected = expectedView(dataset.dir, entries10.nhsNumber, now);
      expect(ten.registeredPractice.accessStatus).toBe('ENABLED');
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(10); // half were recorded before switch-on
      expect(ten.record.edges.map((edge) => edge.node.id)).toEqual(expected);
      expect(ten.record.totalCount).toBe(expected.length);
      for (const nhsNumber of [entries1000.nhsNumber, entries10000.nhsNumber, ...dataset.samples.typical.slice(0, 3)]) {
        const me = await view(nhsNumber, 20);
        const ids = expectedView(dataset.dir, nhsNumber, now);
        expect(me.record.totalCount).toBe(ids.length);
        expect(me.record.edges.map((edge) => edge.node.id)).toEqual(ids.slice(0, 20));
      }

      const practice = dataset.samples.clinicianPractice;
      const clinician = await supergraph.token({
        role: 'clinician',
        odsCode: practice.odsCode,
        subject: `gp-${practice.odsCode}`,
      });
      const list = await supergraph.graphql<{
        patients: { totalCount: number; edges: { node: { nhsNumber: string; clinicalRecord: { edges: unknown[] } } }[] };
      }>(
        clinician,
        '{ patients(first: 50) { totalCount edges { node { nhsNumber clinicalRecord(first: 3) { edges { node { id } } } } } } }',
      );
      expect(list.body.errors).toBeUndefined();
      expect(list.body.data!.patients.totalCount).toBe(practice.patients);
      expect(list.body.data!.patients.edges).toHaveLength(50);
      expect(list.body.data!.patients.edges.every((edge) => edge.node.clinicalRecord.edges.length > 0)).toBe(true);
    } finally {
      await supergraph.stop();
    }
  });
});
