import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../common/database';
import type { ExclusionEventFacts } from './domain/exclusion';
import { ExclusionEventEntity, type ExclusionEventRow } from './entities/exclusion-event';
import { PatientEntity, type PatientRow } from './entities/patient';
import { RecordEntryEntity, type RecordEntryRow } from './entities/record-entry';

/** The records subgraph's reads by key and its writes. (The two views' SQL is in entry-queries.ts.) */
export class RecordsStore {
  constructor(readonly dataSource: DataSource) {}

  private get patients() {
    return this.dataSource.getRepository(PatientEntity);
  }
  private get entries() {
    return this.dataSource.getRepository(RecordEntryEntity);
  }

  patientsByNhsNumber(nhsNumbers: readonly string[]): Promise<PatientRow[]> {
    return this.patients.findBy({ nhsNumber: In([...nhsNumbers]) });
  }

  async exclusions(nhsNumbers: readonly string[]): Promise<Map<string, ExclusionEventRow[]>> {
    const rows = await this.dataSource
      .getRepository(ExclusionEventEntity)
      .find({ where: { nhsNumber: In([...nhsNumbers]) }, order: { at: 'ASC', id: 'ASC' } });
    const byPatient = new Map<string, ExclusionEventRow[]>(nhsNumbers.map((nhs) => [nhs, []]));
    for (const row of rows) byPatient.get(row.nhsNumber)?.push(row);
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

  /** Registers a new patient; false if the NHS number was registered meanwhile (nothing changes). */
  async registerNew(patient: PatientRow): Promise<boolean> {
    try {
      await this.patients.insert(patient);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Moves a patient to another practice, only if they are still where the caller saw them and
   * with the same date of birth; false otherwise (someone else changed them first: nothing changes).
   */
  async move(patient: PatientRow, from: { odsCode: string; dateOfBirth: string }): Promise<boolean> {
    const result = await this.patients
      .createQueryBuilder()
      .update()
      .set({ odsCode: patient.odsCode, registeredAt: patient.registeredAt })
      .where('nhs_number = :nhs AND ods_code = :from AND date_of_birth = :dob', {
        nhs: patient.nhsNumber,
        from: from.odsCode,
        dob: from.dateOfBirth,
      })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async addEntry(entry: Omit<RecordEntryRow, 'id'>): Promise<RecordEntryRow> {
    const row: RecordEntryRow = { ...entry, id: randomUUID() };
    await this.entries.insert(row);
    return row;
  }

  /** Files an unfiled entry; false if someone filed it first (nothing changes). */
  async fileEntry(id: string, at: Date): Promise<boolean> {
    const result = await this.entries
      .createQueryBuilder()
      .update()
      .set({ filedAt: at, availableAt: at })
      .where('id = :id AND filed_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Hides a visible entry; false if it was already hidden (nothing changes). */
  async hideEntry(id: string, reason: string): Promise<boolean> {
    const result = await this.entries
      .createQueryBuilder()
      .update()
      .set({ hiddenFromPatient: true, hiddenReason: reason })
      .where('id = :id AND hidden_from_patient = :visible', { id, visible: false })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async addExclusionEvent(event: ExclusionEventRow): Promise<void> {
    await this.dataSource.getRepository(ExclusionEventEntity).insert(event);
  }
}

export const exclusionFacts = (rows: readonly ExclusionEventRow[]): ExclusionEventFacts[] =>
  rows.map((row) => ({ snomedCode: row.snomedCode, at: row.at }));
