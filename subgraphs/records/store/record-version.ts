import type { DataSource, QueryRunner } from 'typeorm';
import { triggersOn } from '../../runtime/data-version';

/**
 * A version of each patient's entries, kept by the database in `patient.record_version`: every
 * insert, update or delete of a row of `record_entry` (whoever writes it: the service, an import,
 * a person at a SQL prompt) gives the patients it touches a new random version in the same
 * transaction, and on PostgreSQL a TRUNCATE gives every patient one. Read with the patient's row,
 * before anything counted from their entries, it tells whether a count made earlier may be
 * reused (kept-counts.ts). An empty version (a patient with no entry written since it was added)
 * is never reused.
 */
const NEW_VERSION_SQLITE = 'lower(hex(randomblob(16)))';
const NEW_VERSION_POSTGRES = "replace(gen_random_uuid()::text, '-', '')";
const FUNCTION = 'patient_record_version_bump';
const POSTGRES_TRIGGERS = ['patient_record_version_changed', 'patient_record_version_truncated'];

const isPostgres = (queryRunner: QueryRunner) => queryRunner.dataSource.options.type === 'postgres';

/** Migration step: the column (every patient given a version now) and the triggers. */
export async function createRecordVersion(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`ALTER TABLE "patient" ADD COLUMN "record_version" varchar(32) NOT NULL DEFAULT ''`);
  if (isPostgres(queryRunner)) {
    await queryRunner.query(`UPDATE "patient" SET "record_version" = ${NEW_VERSION_POSTGRES}`);
    // SET search_path FROM CURRENT: the function updates the patient table of the schema it was created in.
    await queryRunner.query(
      `CREATE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
       BEGIN
         IF TG_OP = 'TRUNCATE' THEN
           UPDATE patient SET record_version = ${NEW_VERSION_POSTGRES};
           RETURN NULL;
         END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           UPDATE patient SET record_version = ${NEW_VERSION_POSTGRES} WHERE nhs_number = OLD.nhs_number;
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           UPDATE patient SET record_version = ${NEW_VERSION_POSTGRES} WHERE nhs_number = NEW.nhs_number;
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "patient_record_version_changed" AFTER INSERT OR UPDATE OR DELETE ON "record_entry"
       FOR EACH ROW EXECUTE FUNCTION ${FUNCTION}()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "patient_record_version_truncated" AFTER TRUNCATE ON "record_entry"
       FOR EACH STATEMENT EXECUTE FUNCTION ${FUNCTION}()`,
    );
    return;
  }
  await queryRunner.query(SQLITE_NEW_VERSIONS);
  for (const trigger of SQLITE_RECORD_VERSION_TRIGGERS) await queryRunner.query(trigger.create);
}

const touch = (row: 'NEW' | 'OLD') =>
  `UPDATE "patient" SET "record_version" = ${NEW_VERSION_SQLITE} WHERE "nhs_number" = ${row}."nhs_number";`;

/** Gives every patient a new version (SQLite). */
export const SQLITE_NEW_VERSIONS = `UPDATE "patient" SET "record_version" = ${NEW_VERSION_SQLITE}`;

/**
 * SQLite's triggers, as the migration creates them. The bench data set's bulk load drops them
 * while it writes millions of entries, then gives every patient a version and creates them again.
 */
export const SQLITE_RECORD_VERSION_TRIGGERS: readonly { name: string; create: string }[] = [
  { what: 'insert', body: touch('NEW') },
  { what: 'update', body: `${touch('OLD')} ${touch('NEW')}` },
  { what: 'delete', body: touch('OLD') },
].map(({ what, body }) => ({
  name: `patient_record_version_${what}`,
  create: `CREATE TRIGGER "patient_record_version_${what}" AFTER ${what.toUpperCase()} ON "record_entry" BEGIN ${body} END`,
}));

/** Migration step back. */
export async function dropRecordVersion(queryRunner: QueryRunner): Promise<void> {
  if (isPostgres(queryRunner)) {
    for (const name of POSTGRES_TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS "${name}" ON "record_entry"`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS ${FUNCTION}()`);
  } else {
    for (const { name } of SQLITE_RECORD_VERSION_TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS "${name}"`);
  }
  await queryRunner.query(`ALTER TABLE "patient" DROP COLUMN "record_version"`);
}

/**
 * Checks, when the service starts, that `record_entry` still has its triggers (SQLite drops a
 * table's triggers when TypeORM rebuilds the table for a later migration): without them a count
 * could be reused after the entries changed. Throws, naming what is missing; the service does not start.
 */
export async function checkRecordVersion(dataSource: DataSource): Promise<void> {
  const postgres = dataSource.options.type === 'postgres';
  const present = await triggersOn(dataSource, 'record_entry');
  const missing = (postgres ? POSTGRES_TRIGGERS : SQLITE_RECORD_VERSION_TRIGGERS.map((trigger) => trigger.name)).filter(
    (name) => !present.has(name),
  );
  if (missing.length > 0) {
    throw new Error(
      `patients' record versions no longer see writes to record_entry (missing triggers: ${missing.join(', ')}); ` +
        'a migration that rebuilt the table must create them again',
    );
  }
}
