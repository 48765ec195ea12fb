import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubgraphName } from '../../platform/config';
import { openDatabase } from '../../subgraphs/runtime/database';
import { ensureDataset, type Dataset } from '../dataset/dataset';
import { loadIntoPostgres, type PostgresDataset } from '../dataset/postgres-load';
import { SUBGRAPH_NAMES, SUBGRAPH_SCHEMAS } from '../dataset/subgraph-schemas';
import { TEST_DATABASE_URL } from '../../test/helpers/database';
import { postgresRows } from '../../test/helpers/postgres-client';
import { createScratchDatabases, type ScratchDatabases } from '../../test/helpers/scratch-databases';

/**
 * The bench's PostgreSQL data set, at a tiny size: loaded by COPY with its indexes and keys
 * dropped and built again, it has exactly the schema the subgraphs' migrations make (so the
 * bench measures the product's indexes, not the loader's), every row of the SQLite data set,
 * and sequences that go on past the rows copied.
 */
jest.setTimeout(120_000);

const onPostgres = TEST_DATABASE_URL ? describe : describe.skip;

const query = postgresRows;

/** Everything the migrations decide, read from the catalogue: columns, keys, indexes, triggers, functions, sequences. */
async function schemaOf(url: string): Promise<Record<string, string[]>> {
  const lines = async (sql: string) => (await query<{ line: string }>(url, sql)).map((row) => row.line).sort();
  return {
    columns: await lines(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
         FROM information_schema.columns WHERE table_schema = current_schema()`,
    ),
    constraints: await lines(
      `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
         FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`,
    ),
    indexes: await lines(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = current_schema()`),
    triggers: await lines(
      `SELECT pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text AS line
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal`,
    ),
    functions: await lines(
      `SELECT pg_get_functiondef(p.oid) AS line FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace`,
    ),
    sequences: await lines(
      `SELECT sequencename || ' ' || data_type || ' ' || increment_by AS line FROM pg_sequences WHERE schemaname = current_schema()`,
    ),
  };
}

onPostgres('the bench data set on PostgreSQL', () => {
  let dir: string;
  let dataset: Dataset;
  let loaded: PostgresDataset;
  let migrated: ScratchDatabases;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cas-bench-pg-'));
    dataset = await ensureDataset({
      preset: 'small',
      practices: 300,
      patients: 300,
      entries: 15_000,
      quiet: true,
      dir: join(dir, 'data'),
    });
    loaded = await loadIntoPostgres(dataset, TEST_DATABASE_URL!, `t_benchload_${randomBytes(4).toString('hex')}`);
    migrated = await createScratchDatabases('benchschema');
    for (const name of SUBGRAPH_NAMES)
      await (await openDatabase({ kind: 'postgres', url: migrated.urls[name] }, SUBGRAPH_SCHEMAS[name])).close();
  });
  afterAll(async () => {
    await loaded?.drop();
    await migrated?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SUBGRAPH_NAMES)('has the schema the %s migrations make, indexes and keys included', async (name: SubgraphName) => {
    const made = await schemaOf(migrated.urls[name]);
    expect(made.indexes?.length).toBeGreaterThan(0);
    expect(await schemaOf(loaded.urls[name])).toEqual(made);
  });

  it.each(SUBGRAPH_NAMES)('holds every row of the %s SQLite file', async (name: SubgraphName) => {
    const sqlite = new Database(join(dataset.dir, `${name}.sqlite`), { readonly: true });
    try {
      for (const [table, copied] of Object.entries(loaded.rows[name])) {
        const inSqlite = sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
        const [inPostgres] = await query<{ count: string }>(loaded.urls[name], `SELECT count(*) FROM "${table}"`);
        expect({ table, copied, inPostgres: Number(inPostgres!.count) }).toEqual({
          table,
          copied: inSqlite,
          inPostgres: inSqlite,
        });
      }
    } finally {
      sqlite.close();
    }
  });

  it('copies values as they are, patients and entries alike', async () => {
    expect(loaded.rows.records.record_entry).toBe(15_000);
    const sqlite = new Database(join(dataset.dir, 'records.sqlite'), { readonly: true });
    try {
      const fromSqlite = (sql: string) =>
        (sqlite.prepare(sql).raw().all() as unknown[][]).map((row) => row.map(String).join('|'));
      const fromPostgres = async (sql: string) =>
        (await query<Record<string, unknown>>(loaded.urls.records, sql)).map((row) => Object.values(row).map(String).join('|'));
      expect(
        await fromPostgres(
          'SELECT nhs_number, ods_code, date_of_birth::text, registered_at::text FROM patient ORDER BY nhs_number',
        ),
      ).toEqual(fromSqlite('SELECT nhs_number, ods_code, date_of_birth, registered_at FROM patient ORDER BY nhs_number'));
      expect(
        await fromPostgres(
          "SELECT id, title, coalesce(body, ''), recorded_at::text, hidden_from_patient::int::text FROM record_entry ORDER BY id LIMIT 500",
        ),
      ).toEqual(
        fromSqlite(
          "SELECT id, title, coalesce(body, ''), recorded_at, hidden_from_patient FROM record_entry ORDER BY id LIMIT 500",
        ),
      );
    } finally {
      sqlite.close();
    }
  });

  it('moves each sequence past the ids copied, so the next insert gets a new id', async () => {
    const [row] = await query<{ next: string; max: string }>(
      loaded.urls.records,
      `SELECT nextval(pg_get_serial_sequence('exclusion_event', 'id'))::text AS next, max(id)::text AS max FROM exclusion_event`,
    );
    expect(Number(row!.max)).toBeGreaterThan(0);
    expect(Number(row!.next)).toBeGreaterThan(Number(row!.max));
  });

  it('leaves the tables vacuumed, so index-only scans read the index alone from the first request', async () => {
    const [entries] = await query<{ vacuumed: boolean; analysed: boolean; visible: string; pages: string }>(
      loaded.urls.records,
      `SELECT s.last_vacuum IS NOT NULL AS vacuumed, s.last_analyze IS NOT NULL AS analysed,
              c.relallvisible::text AS visible, c.relpages::text AS pages
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'record_entry'`,
    );
    expect(entries).toMatchObject({ vacuumed: true, analysed: true });
    // Every page of the freshly copied table is all-visible (the visibility map is filled).
    expect(Number(entries!.visible)).toBe(Number(entries!.pages));
  });

  it('reports its load time and each database size', () => {
    expect(loaded.loadSeconds).toBeGreaterThan(0);
    for (const name of SUBGRAPH_NAMES) expect(loaded.bytes[name]).toBeGreaterThan(1_000_000);
  });
});
