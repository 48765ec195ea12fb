import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * A data version: a value the database itself changes, in the same transaction, whenever any
 * row of the tables it watches is inserted, updated or deleted (or, on PostgreSQL, the table
 * truncated), whoever writes: a service, an import, a person at a SQL prompt. A reader that
 * reads the version *before* the rows it keeps may keep them for as long as the version reads
 * the same: the rows it holds are at least as new as that version, and any later write gives
 * a new version. Each new version is random (128 bits), so a database recreated from scratch
 * never repeats a version that a running service still remembers.
 *
 * Table `data_version` holds one row per watched set, by name; triggers keep it. SQLite fires
 * row triggers (cheap: one small update per row written; SQLite has one writer at a time anyway).
 * PostgreSQL fires a statement trigger, through one function that finds the table in the schema
 * it was created in, *before* each statement: a transaction takes the version's row lock before
 * it writes its first watched row, so two writers queue there and never deadlock, each waiting
 * for a row the other wrote (after-triggers would let two waves of several statements do that;
 * the second now waits, then meets the unique index as before: CONFLICT). Writers of one
 * watched set are serialised; they are rare (imports, rollout changes), readers never wait.
 */

/** A data version by name, and the tables whose writes change it. */
export interface DataVersionSpec {
  name: string;
  tables: readonly string[];
}

const NEW_VERSION_SQLITE = 'lower(hex(randomblob(16)))';
const NEW_VERSION_POSTGRES = "replace(gen_random_uuid()::text, '-', '')";
const BUMP_FUNCTION = 'data_version_bump';

const isPostgres = (queryRunner: QueryRunner) => queryRunner.dataSource.options.type === 'postgres';
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const triggerName = (name: string, table: string, what: string) => quote(`${name}_${table}_${what}`);

/** Migration step: creates `data_version` if need be, and a version `name` that changes with `tables`. */
export async function createDataVersion(queryRunner: QueryRunner, name: string, tables: readonly string[]): Promise<void> {
  const postgres = isPostgres(queryRunner);
  await queryRunner.query(
    'CREATE TABLE IF NOT EXISTS "data_version" ("name" varchar(64) PRIMARY KEY NOT NULL, "version" varchar(64) NOT NULL)',
  );
  await queryRunner.query(
    `INSERT INTO "data_version" ("name", "version") VALUES (${literal(name)}, ${postgres ? NEW_VERSION_POSTGRES : NEW_VERSION_SQLITE})`,
  );
  if (postgres) {
    // SET search_path FROM CURRENT: the function updates the data_version of the schema it was
    // created in, whatever the writing session's search_path.
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION ${BUMP_FUNCTION}() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
       BEGIN
         UPDATE data_version SET version = ${NEW_VERSION_POSTGRES} WHERE name = TG_ARGV[0];
         RETURN NULL;
       END $$`,
    );
    for (const table of tables) {
      await queryRunner.query(
        `CREATE TRIGGER ${triggerName(name, table, 'changed')} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${quote(table)}
         FOR EACH STATEMENT EXECUTE FUNCTION ${BUMP_FUNCTION}(${literal(name)})`,
      );
    }
    return;
  }
  for (const table of tables) {
    for (const what of ['INSERT', 'UPDATE', 'DELETE']) {
      await queryRunner.query(
        `CREATE TRIGGER ${triggerName(name, table, what.toLowerCase())} AFTER ${what} ON ${quote(table)} BEGIN
           UPDATE "data_version" SET "version" = ${NEW_VERSION_SQLITE} WHERE "name" = ${literal(name)};
         END`,
      );
    }
  }
}

/** Migration step back: the triggers and the version go; the table and function stay while another version uses them. */
export async function dropDataVersion(queryRunner: QueryRunner, name: string, tables: readonly string[]): Promise<void> {
  const postgres = isPostgres(queryRunner);
  for (const table of tables) {
    for (const what of postgres ? ['changed'] : ['insert', 'update', 'delete']) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${triggerName(name, table, what)}${postgres ? ` ON ${quote(table)}` : ''}`);
    }
  }
  await queryRunner.query(`DELETE FROM "data_version" WHERE "name" = ${literal(name)}`);
  const [{ left }] = (await queryRunner.query('SELECT count(*) AS "left" FROM "data_version"')) as [{ left: number | string }];
  if (Number(left) === 0) {
    await queryRunner.query('DROP TABLE "data_version"');
    if (postgres) await queryRunner.query(`DROP FUNCTION IF EXISTS ${BUMP_FUNCTION}()`);
  }
}

/** The version now; throws when there is none (no migration, a damaged table): nothing is kept on a guess. */
export async function readDataVersion(manager: EntityManager, name: string): Promise<string> {
  const postgres = manager.dataSource.options.type === 'postgres';
  const rows = await manager.query<{ version?: unknown }[]>(
    `SELECT "version" FROM "data_version" WHERE "name" = ${postgres ? '$1' : '?'}`,
    [name],
  );
  const version = rows[0]?.version;
  if (rows.length !== 1 || typeof version !== 'string' || version.length < 16) {
    throw new Error(`data version ${name} is missing or unreadable`);
  }
  return version;
}

/**
 * Checks, when a service starts, that the version exists and every watched table still has its
 * triggers: SQLite drops a table's triggers with the table, and TypeORM rebuilds a SQLite table
 * to alter it, so a later migration could silently stop the version from changing, and a kept
 * value would then never be read again. Throws, naming what is missing; the service does not start.
 */
export async function checkDataVersion(dataSource: DataSource, spec: DataVersionSpec): Promise<void> {
  await readDataVersion(dataSource.manager, spec.name);
  const postgres = dataSource.options.type === 'postgres';
  for (const table of spec.tables) {
    const expected = postgres ? ['changed'] : ['insert', 'update', 'delete'];
    const present = await triggersOn(dataSource, table);
    const missing = expected.map((what) => `${spec.name}_${table}_${what}`).filter((name) => !present.has(name));
    if (missing.length > 0) {
      throw new Error(
        `data version ${spec.name} no longer sees writes to ${table} (missing triggers: ${missing.join(', ')}); ` +
          'a migration that rebuilt the table must create them again',
      );
    }
  }
}

/**
 * The names of the enabled triggers on a table of the service's schema. On PostgreSQL the
 * schema is named where one is configured: the service's own user may not be granted the schema
 * yet when it starts (the grants may come after), and current_schema() then reads null.
 */
export async function triggersOn(dataSource: DataSource, table: string): Promise<Set<string>> {
  const postgres = dataSource.options.type === 'postgres';
  const schema = postgres ? ((dataSource.options as { schema?: string }).schema ?? null) : null;
  const rows = await dataSource.query<{ name: string }[]>(
    postgres
      ? `SELECT t.tgname AS "name" FROM pg_trigger t
           JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relname = $1 AND n.nspname = COALESCE($2, current_schema()) AND t.tgenabled <> 'D' AND NOT t.tgisinternal`
      : `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`,
    postgres ? [table, schema] : [table],
  );
  return new Set(rows.map((row) => row.name));
}
