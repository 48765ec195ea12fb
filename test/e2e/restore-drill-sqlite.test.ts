import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { SubgraphName } from '../../platform/config';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';
import { CAPTURED_AT, command, createActivity, logs, READS_PER_VIEWS, views } from '../helpers/restore-drill';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The restore drill on SQLite, the default: `npm run backup` copies each live file through
 * SQLite's backup API while the services run (committed pages still in the `-wal` file
 * included); the files are deleted; `npm run restore` puts them back; the services start again
 * and show the same views and logs, and every table, trigger and row is the same.
 */
const NAMES: SubgraphName[] = ['practices', 'rollout', 'records'];

describe('backup and restore drill (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cas-drill-sqlite-'));
  const backups = join(dataDir, 'backups');
  const pathOf = (name: SubgraphName) => join(dataDir, `${name}.sqlite`);
  const databases = Object.fromEntries(NAMES.map((name) => [name, { kind: 'sqlite', path: pathOf(name) }])) as Record<
    SubgraphName,
    DatabaseConfig
  >;
  const environment = { DATA_DIR: dataDir };
  let supergraph: Supergraph | undefined;

  /** Every schema object and every row of a file, read through its own connection (WAL included). */
  function contents(path: string): Record<string, unknown> {
    const db = new Sqlite(path, { readonly: true, fileMustExist: true });
    try {
      const objects = db.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`).all() as {
        type: string;
        name: string;
      }[];
      const rows = Object.fromEntries(
        objects
          .filter((object) => object.type === 'table')
          .map((object) => [object.name, db.prepare(`SELECT * FROM "${object.name}" ORDER BY rowid`).all()]),
      );
      return { objects, rows };
    } finally {
      db.close();
    }
  }
  const accessLogRows = (path: string) => (contents(path).rows as Record<string, unknown[] | undefined>).access_log?.length ?? 0;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: CAPTURED_AT, databases });
    await createActivity(new Scenario(supergraph));
  }, 60_000);

  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('backup while running, delete, restore: the same views, logs, tables and rows', async () => {
    const s = new Scenario(supergraph!);
    const before = { views: await views(s), logs: await logs(s) };
    const tables = Object.fromEntries(NAMES.map((name) => [name, contents(pathOf(name))]));

    // The running records service still holds committed pages in its -wal file.
    expect(statSync(`${pathOf('records')}-wal`).size).toBeGreaterThan(0);
    const backup = await command('backup', ['--out', backups], environment);
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const files = backup.stdout.trim().split('\n');
    expect(files.map((file) => file.slice(backups.length + 1).replace(/-\d{8}T\d{6}Z/, ''))).toEqual([
      'practices.sqlite',
      'rollout.sqlite',
      'records.sqlite',
    ]);
    // Why not a file copy: the main file alone misses what is still in the -wal file.
    const copied = join(dataDir, 'copied.sqlite');
    copyFileSync(pathOf('records'), copied);
    expect(accessLogRows(copied)).toBeLessThan(accessLogRows(files[2]!));
    expect(accessLogRows(files[2]!)).toBe(before.logs.records.patient.accessLog.totalCount);

    await supergraph!.stop();
    supergraph = undefined;
    for (const name of NAMES) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${pathOf(name)}${suffix}`, { force: true });
      expect(existsSync(pathOf(name))).toBe(false);
    }

    for (const [index, name] of NAMES.entries()) {
      expect(await command('restore', [name, files[index]!], environment)).toEqual({
        code: 0,
        stdout: `${name}: restored from ${files[index]}\n`,
        stderr: '',
      });
    }
    // Again over the restored file: refused without --replace, done with it.
    const refused = await command('restore', ['records', files[2]!], environment);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^Refused: records: the database already holds \d+ table\(s\); pass --replace/);
    expect((await command('restore', ['records', files[2]!, '--replace'], environment)).code).toBe(0);
    expect(Object.fromEntries(NAMES.map((name) => [name, contents(pathOf(name))]))).toEqual(tables);

    supergraph = await startSupergraph({ now: CAPTURED_AT, databases });
    const s2 = new Scenario(supergraph);
    expect(await logs(s2)).toEqual(before.logs);
    expect(await views(s2)).toEqual(before.views);
    const after = await logs(s2);
    const restored = before.logs.records.patient.accessLog;
    expect(after.records.patient.accessLog.totalCount).toBe(restored.totalCount + READS_PER_VIEWS);
    expect(after.records.patient.accessLog.edges.slice(READS_PER_VIEWS)).toEqual(restored.edges);
  }, 120_000);
});
