import Database from 'better-sqlite3';
import { SQLITE_NEW_VERSIONS, SQLITE_RECORD_VERSION_TRIGGERS } from '../../subgraphs/records/store/record-version';
import type { Progress } from '../../subgraphs/runtime/progress-bar';
import type { PatientPlan } from './patient-plan';
import { entriesOf } from './records-rows';
import type { SeededRandom } from '../../test/helpers/seeded-random';

/** Rows per transaction: large enough to amortise the commit, small enough to show progress. */
const ROWS_PER_TRANSACTION = 100_000;

/**
 * Writes the planned patients, their exclusion events and their entries into a records.sqlite
 * already migrated by the records subgraph's migrations. Straight through better-sqlite3:
 * prepared statements in large transactions, patients in NHS-number order and each patient's
 * entries oldest first, so every index grows at its end. Durability is off while loading (the
 * file is in a temporary directory until complete); the file is left in WAL mode, as the
 * services open it.
 */
export function loadRecords(
  path: string,
  plan: PatientPlan,
  window: { historyFrom: number; asOf: number },
  random: SeededRandom,
  progress: Progress,
): { entries: number; exclusionEvents: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -262144'); // 256 MiB
    db.pragma('foreign_keys = OFF'); // every row refers to a patient written first; checked below for small sets
    const insertPatient = db.prepare(
      'INSERT INTO patient (nhs_number, ods_code, date_of_birth, registered_at) VALUES (?, ?, ?, ?)',
    );
    const insertExclusion = db.prepare(
      'INSERT INTO exclusion_event (nhs_number, snomed_code, at, reason, recorded_by) VALUES (?, ?, ?, ?, ?)',
    );
    const insertEntry = db.prepare(
      'INSERT INTO record_entry (id, nhs_number, type, title, body, recorded_at, filed_at, available_at, hidden_from_patient, hidden_reason, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let exclusionEvents = 0;
    db.transaction(() => {
      for (const patient of plan.patients) {
        insertPatient.run(patient.nhsNumber, patient.odsCode, patient.dateOfBirth, patient.registeredAt);
        for (const event of patient.exclusions) {
          insertExclusion.run(patient.nhsNumber, event.snomedCode, event.at, event.reason, `${patient.odsCode}:clinician-1`);
          exclusionEvents += 1;
        }
      }
    })();

    // Each patient's record version is kept by a trigger per entry written (record-version.ts):
    // millions of those would cost more than writing the entries themselves. Dropped while
    // loading; every patient gets a version at the end, and the triggers come back as the
    // migration made them.
    for (const { name } of SQLITE_RECORD_VERSION_TRIGGERS) db.exec(`DROP TRIGGER "${name}"`);
    let entries = 0;
    let next = 0;
    const writeSome = db.transaction(() => {
      const until = entries + ROWS_PER_TRANSACTION;
      while (next < plan.patients.length && entries < until) {
        for (const row of entriesOf(plan.patients[next]!, entries, window, random)) {
          insertEntry.run(
            row.id,
            row.nhsNumber,
            row.type,
            row.title,
            row.body,
            row.recordedAt,
            row.filedAt,
            row.availableAt,
            row.hiddenFromPatient,
            row.hiddenReason,
            row.recordedBy,
          );
          entries += 1;
        }
        next += 1;
      }
    });
    while (next < plan.patients.length) {
      writeSome();
      progress.update(entries);
    }
    db.transaction(() => {
      db.exec(SQLITE_NEW_VERSIONS);
      for (const { create } of SQLITE_RECORD_VERSION_TRIGGERS) db.exec(create);
    })();
    if (entries <= 1_000_000 && (db.pragma('foreign_key_check') as unknown[]).length > 0)
      throw new Error('An entry refers to no patient');
    db.pragma('journal_mode = WAL');
    return { entries, exclusionEvents };
  } finally {
    db.close();
  }
}
