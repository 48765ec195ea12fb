import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../runtime/database';
import { fromRequiredInstant, fromStoredInstant } from '../../runtime/instants';
import { namedQuery, rawText } from '../../runtime/named-query';
import type { ExclusionEventFacts } from '../domain/exclusion';
import { AccessLogEntity, type AccessLogRow } from '../entities/access-log';
import { ChangeLogEntity, type ChangeLogRow } from '../entities/change-log';
import { ExclusionEventEntity, type ExclusionEventRow } from '../entities/exclusion-event';
import { PatientEntity, type PatientRow } from '../entities/patient';
import { RecordEntryEntity, type RecordEntryRow } from '../entities/record-entry';
import {
  clinicalViewCounts,
  clinicalViewPages,
  patientViewCounts,
  patientViewPages,
  type ClinicalViewQuery,
  type PatientViewCount,
  type PatientViewQuery,
} from './entry-queries';

/** The records subgraph's reads and writes; the two views' SQL is built in entry-queries.ts. */
export class RecordsStore {
  constructor(readonly dataSource: DataSource) {}

  /** One page per query, all in one statement (the queries name distinct patients). */
  patientViewPages(queries: readonly PatientViewQuery[]): Promise<RecordEntryRow[]> {
    return patientViewPages(this.dataSource, queries);
  }
  patientViewCounts(queries: readonly PatientViewQuery[]): Promise<Map<string, PatientViewCount>> {
    return patientViewCounts(this.dataSource, queries);
  }
  clinicalViewPages(queries: readonly ClinicalViewQuery[]): Promise<RecordEntryRow[]> {
    return clinicalViewPages(this.dataSource, queries);
  }
  clinicalViewCounts(nhsNumbers: readonly string[]): Promise<Map<string, number>> {
    return clinicalViewCounts(this.dataSource, nhsNumbers);
  }

  private get patients() {
    return this.dataSource.getRepository(PatientEntity);
  }
  private get entries() {
    return this.dataSource.getRepository(RecordEntryEntity);
  }

  /** Every request reads these two: hand-written SQL of constant text (named-query.ts). */
  async patientsByNhsNumber(nhsNumbers: readonly string[]): Promise<PatientRow[]> {
    const rows = await namedQuery(
      this.dataSource,
      'SELECT nhs_number, ods_code, date_of_birth, registered_at, record_version FROM patient WHERE nhs_number IN (:...nhsNumbers)',
      { nhsNumbers: [...nhsNumbers] },
    );
    return rows.map((row) => ({
      nhsNumber: rawText(row.nhs_number),
      odsCode: rawText(row.ods_code),
      dateOfBirth: rawText(row.date_of_birth),
      registeredAt: fromRequiredInstant(row.registered_at),
      recordVersion: rawText(row.record_version),
    }));
  }

  async exclusions(nhsNumbers: readonly string[]): Promise<Map<string, ExclusionEventRow[]>> {
    const rows = await namedQuery(
      this.dataSource,
      // In the order recorded (domain/exclusion.ts): never by `at`, which a clock stepping back can disorder.
      'SELECT id, nhs_number, snomed_code, kind, at, reason, recorded_by FROM exclusion_event WHERE nhs_number IN (:...nhsNumbers) ORDER BY id ASC',
      { nhsNumbers: [...nhsNumbers] },
    );
    const byPatient = new Map<string, ExclusionEventRow[]>(nhsNumbers.map((nhs) => [nhs, []]));
    for (const row of rows) {
      byPatient.get(rawText(row.nhs_number))?.push({
        id: Number(row.id),
        nhsNumber: rawText(row.nhs_number),
        snomedCode: rawText(row.snomed_code),
        kind: row.kind === null ? null : rawText(row.kind),
        at: fromRequiredInstant(row.at),
        reason: row.reason === null ? null : rawText(row.reason),
        recordedBy: rawText(row.recorded_by),
      });
    }
    return byPatient;
  }

  entriesById(ids: readonly string[]): Promise<RecordEntryRow[]> {
    return this.entries.findBy({ id: In([...ids]) });
  }

  /** A keyset page of the practice's patients, by NHS number. */
  practicePatients(odsCode: string, afterNhsNumber: string | null, limit: number): Promise<PatientRow[]> {
    const query = this.patients
      .createQueryBuilder('p')
      .where('p.ods_code = :odsCode', { odsCode })
      .orderBy('p.nhs_number', 'ASC')
      .limit(limit);
    if (afterNhsNumber) query.andWhere('p.nhs_number > :after', { after: afterNhsNumber });
    return query.getMany();
  }

  countPracticePatients(odsCode: string): Promise<number> {
    return this.patients.countBy({ odsCode });
  }

  /**
   * Runs one change and writes its change-log row in the same transaction: both or neither.
   * `work` answers false when its condition no longer holds (someone changed the row first);
   * then nothing is written and the caller gets false.
   */
  private async changing(change: ChangeLogRow, work: (manager: EntityManager) => Promise<boolean>): Promise<boolean> {
    try {
      await this.dataSource.transaction(async (manager) => {
        if (!(await work(manager))) throw NOT_APPLIED;
        await manager.getRepository(ChangeLogEntity).insert(change);
      });
      return true;
    } catch (error) {
      if (error === NOT_APPLIED || isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Registers a new patient; false if the NHS number was registered meanwhile (nothing changes). */
  registerNew(patient: PatientRow, change: ChangeLogRow): Promise<boolean> {
    return this.changing(change, async (manager) => {
      await manager.getRepository(PatientEntity).insert(patient);
      return true;
    });
  }

  /**
   * Moves a patient to another practice, only if they are still where the caller saw them and
   * with the same date of birth; false otherwise (someone else changed them first: nothing changes).
   * The patient's access-log row telling them of the move is written in the same transaction.
   */
  move(
    patient: PatientRow,
    from: { odsCode: string; dateOfBirth: string },
    change: ChangeLogRow,
    told: AccessLogRow,
  ): Promise<boolean> {
    return this.changing(change, async (manager) => {
      const result = await manager
        .getRepository(PatientEntity)
        .createQueryBuilder()
        .update()
        .set({ odsCode: patient.odsCode, registeredAt: patient.registeredAt })
        .where('nhs_number = :nhs AND ods_code = :from AND date_of_birth = :dob', {
          nhs: patient.nhsNumber,
          from: from.odsCode,
          dob: from.dateOfBirth,
        })
        .execute();
      if ((result.affected ?? 0) !== 1) return false;
      await manager.getRepository(AccessLogEntity).insert(told);
      return true;
    });
  }

  async addEntry(entry: Omit<RecordEntryRow, 'id'>, change: ChangeLogRow): Promise<RecordEntryRow> {
    const row: RecordEntryRow = { ...entry, id: randomUUID() };
    const written = await this.changing({ ...change, entryId: row.id }, async (manager) => {
      await manager.getRepository(RecordEntryEntity).insert(row);
      return true;
    });
    if (!written) throw new Error('A new entry id was already taken');
    return row;
  }

  /**
   * Files an entry at `at`, only if its filing is still what the caller saw (`seen`: null for an
   * unfiled entry); false if someone filed it first (nothing changes).
   */
  fileEntry(id: string, seen: Date | null, at: Date, change: ChangeLogRow): Promise<boolean> {
    return this.changing(change, async (manager) => {
      const query = manager
        .getRepository(RecordEntryEntity)
        .createQueryBuilder()
        .update()
        .set({ filedAt: at, availableAt: at })
        .where('id = :id', { id });
      if (seen === null) query.andWhere('filed_at IS NULL');
      else query.andWhere('filed_at = :seen', { seen: seen.getTime() });
      const result = await query.execute();
      return (result.affected ?? 0) === 1;
    });
  }

  /** Hides a visible entry; false if it was already hidden (nothing changes). */
  hideEntry(id: string, reason: string, change: ChangeLogRow): Promise<boolean> {
    return this.changing(change, async (manager) => {
      const result = await manager
        .getRepository(RecordEntryEntity)
        .createQueryBuilder()
        .update()
        .set({ hiddenFromPatient: true, hiddenReason: reason })
        .where('id = :id AND hidden_from_patient = :visible', { id, visible: false })
        .execute();
      return (result.affected ?? 0) === 1;
    });
  }

  /**
   * Appends an exclusion event, stamped no earlier than the patient's latest one, so the
   * instants of a history never run backwards even when the clock does. Returns the row written.
   */
  async addExclusionEvent(event: ExclusionEventRow, change: ChangeLogRow): Promise<ExclusionEventRow> {
    let written: ExclusionEventRow = event;
    const applied = await this.changing(change, async (manager) => {
      const events = manager.getRepository(ExclusionEventEntity);
      const latest = await events
        .createQueryBuilder('e')
        .select('MAX(e.at)', 'at')
        .where('e.nhs_number = :nhs', { nhs: event.nhsNumber })
        .getRawOne<{ at: unknown }>();
      const last = fromStoredInstant(latest?.at ?? null);
      written = last && last.getTime() > event.at.getTime() ? { ...event, at: last } : event;
      await events.insert(written);
      return true;
    });
    if (!applied) throw new Error('The exclusion event was not written');
    return written;
  }
}

/** Thrown inside a change's transaction to roll it back when its condition no longer held. */
const NOT_APPLIED = new Error('change not applied');

export const exclusionFacts = (rows: readonly ExclusionEventRow[]): ExclusionEventFacts[] =>
  rows.map((row) => ({ snomedCode: row.snomedCode, kind: row.kind, at: row.at }));
