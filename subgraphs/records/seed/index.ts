import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { DEMO_PATIENTS } from '../../demo-world/patients';
import { RECORD_READ_SCOPE } from '../domain/app-access';
import { availableAt } from '../domain/visibility';
import { ApprovedAppEntity } from '../entities/approved-app';
import { ExclusionEventEntity } from '../entities/exclusion-event';
import { PatientEntity } from '../entities/patient';
import { TrustedOperationEntity } from '../entities/trusted-operation';
import type { PersistedQueryManifest } from '../../../platform/trusted-operations';
import { RecordEntryEntity, type RecordEntryRow } from '../entities/record-entry';

/** The demo world's approved app. */
export const DEMO_APP = { clientId: 'demo-app', name: 'Demo Health App' } as const;

/** The app's ready operations (schema/operations/app), registered for the demo app as nhse would. */
const APP_MANIFEST = join(__dirname, '..', '..', '..', 'schema', 'operations', 'app', 'persisted-query-manifest.json');

/** Loads the demo patients, entries, exclusions and approved app into an empty database. */
export async function seedRecords(dataSource: DataSource, clock: Clock): Promise<void> {
  if ((await dataSource.getRepository(PatientEntity).count()) > 0) return;
  await dataSource.transaction(async (manager) => {
    // The app the README's app token names, approved as if by NHS England.
    await manager.getRepository(ApprovedAppEntity).insert({
      clientId: DEMO_APP.clientId,
      name: DEMO_APP.name,
      scopes: RECORD_READ_SCOPE,
      approvedAt: clock.now(),
      approvedBy: 'demo-nhse',
      revokedAt: null,
      revokedBy: null,
      operationList: 1,
    });
    const manifest = JSON.parse(readFileSync(APP_MANIFEST, 'utf8')) as PersistedQueryManifest;
    await manager.getRepository(TrustedOperationEntity).insert(
      manifest.operations.map(({ id, name, type, body }, position) => ({
        clientId: DEMO_APP.clientId,
        listNumber: 1,
        position,
        id,
        name,
        type,
        body,
      })),
    );
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
