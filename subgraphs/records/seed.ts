import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock';
import { DEMO_PATIENTS } from '../common/demo/patients';
import { availableAt } from './domain/visibility';
import { ExclusionEventEntity } from './entities/exclusion-event';
import { PatientEntity } from './entities/patient';
import { RecordEntryEntity, type RecordEntryRow } from './entities/record-entry';

/** Loads the demo patients, entries and exclusions into an empty database. */
export async function seedRecords(dataSource: DataSource, _clock: Clock): Promise<void> {
  if ((await dataSource.getRepository(PatientEntity).count()) > 0) return;
  await dataSource.transaction(async (manager) => {
    for (const patient of DEMO_PATIENTS) {
      await manager.getRepository(PatientEntity).insert({
        nhsNumber: patient.nhsNumber,
        odsCode: patient.odsCode,
        dateOfBirth: patient.dateOfBirth,
        registeredAt: new Date(patient.registeredAt),
      });
      const entries: RecordEntryRow[] = patient.entries.map((entry) => {
        const facts = {
          type: entry.type,
          recordedAt: new Date(entry.recordedAt),
          filedAt: entry.filedAt ? new Date(entry.filedAt) : null,
          hiddenFromPatient: entry.hiddenReason !== undefined,
        };
        return {
          ...facts,
          id: randomUUID(),
          nhsNumber: patient.nhsNumber,
          title: entry.title,
          body: entry.body,
          availableAt: availableAt(facts),
          hiddenReason: entry.hiddenReason ?? null,
          recordedBy: `${patient.odsCode}:demo-clinician`,
        };
      });
      if (entries.length) await manager.getRepository(RecordEntryEntity).insert(entries);
      for (const exclusion of patient.exclusions ?? []) {
        await manager.getRepository(ExclusionEventEntity).insert({
          nhsNumber: patient.nhsNumber,
          snomedCode: exclusion.snomedCode,
          at: new Date(exclusion.at),
          reason: exclusion.reason ?? null,
          recordedBy: `${patient.odsCode}:demo-clinician`,
        });
      }
    }
  });
}
