import type { SubgraphConfig } from '../runtime/config';
import { startSubgraph, type StartOptions, type SubgraphHandle } from '../runtime/start-subgraph';
import { recordsContext } from './context';
import { AccessLogEntity } from './entities/access-log';
import { ApprovedAppEntity } from './entities/approved-app';
import { ChangeLogEntity } from './entities/change-log';
import { ExclusionEventEntity } from './entities/exclusion-event';
import { PatientEntity } from './entities/patient';
import { RecordEntryEntity } from './entities/record-entry';
import { TrustedOperationEntity } from './entities/trusted-operation';
import { CreateRecords1764000000002 } from './migrations/1764000000002-create-records';
import { AddAppsAndLogs1764100000002 } from './migrations/1764100000002-add-apps-and-logs';
import { PatientViewCoveringIndex1764200000002 } from './migrations/1764200000002-patient-view-covering-index';
import { PatientRecordVersion1764400000002 } from './migrations/1764400000002-patient-record-version';
import { ExclusionEventKind1764500000002 } from './migrations/1764500000002-exclusion-event-kind';
import { PatientViewConsistencyIndex1764600000002 } from './migrations/1764600000002-patient-view-consistency-index';
import { AttemptCounter1764700000002 } from './migrations/1764700000002-attempt-counter';
import { AppPatientRateLimit1764800000002 } from './migrations/1764800000002-app-patient-rate-limit';
import { TrustedOperations1764900000002 } from './migrations/1764900000002-trusted-operations';
import { createRecordsMetrics } from './metrics';
import { checkRecordVersion } from './store/record-version';
import { resolvers } from './resolvers';
import { seedRecords } from './seed';

/** The records database: its entities and migrations, in order (the bench data set builds on them too). */
export const recordsDatabase = {
  entities: [
    PatientEntity,
    RecordEntryEntity,
    ExclusionEventEntity,
    ApprovedAppEntity,
    AccessLogEntity,
    ChangeLogEntity,
    TrustedOperationEntity,
  ],
  migrations: [
    CreateRecords1764000000002,
    AddAppsAndLogs1764100000002,
    PatientViewCoveringIndex1764200000002,
    PatientRecordVersion1764400000002,
    ExclusionEventKind1764500000002,
    PatientViewConsistencyIndex1764600000002,
    AttemptCounter1764700000002,
    AppPatientRateLimit1764800000002,
    TrustedOperations1764900000002,
  ],
};

/** Builds and starts the records subgraph from a config object; no I/O at import time. */
export function startRecordsSubgraph(config: SubgraphConfig, options: StartOptions = {}): Promise<SubgraphHandle> {
  const metrics = createRecordsMetrics();
  return startSubgraph(
    config,
    {
      ...recordsDatabase,
      resolvers,
      contextFor: recordsContext({
        appRateLimit: config.appRateLimit,
        clockToleranceMs: config.clockToleranceMs,
        metrics,
      }),
      metrics: metrics.registry,
      seedDemoData: seedRecords,
      startupChecks: [checkRecordVersion],
    },
    options,
  );
}
