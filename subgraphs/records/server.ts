import type { SubgraphConfig } from '../common/config';
import { startSubgraph, type StartOptions, type SubgraphHandle } from '../common/start-subgraph';
import { recordsContext } from './context';
import { ExclusionEventEntity } from './entities/exclusion-event';
import { PatientEntity } from './entities/patient';
import { RecordEntryEntity } from './entities/record-entry';
import { CreateRecords1764000000002 } from './migrations/1764000000002-create-records';
import { resolvers } from './resolvers';
import { seedRecords } from './seed';

/** Builds and starts the records subgraph from a config object; no I/O at import time. */
export function startRecordsSubgraph(config: SubgraphConfig, options: StartOptions = {}): Promise<SubgraphHandle> {
  return startSubgraph(
    config,
    {
      entities: [PatientEntity, RecordEntryEntity, ExclusionEventEntity],
      migrations: [CreateRecords1764000000002],
      resolvers,
      contextFor: recordsContext,
      seedDemoData: seedRecords,
    },
    options,
  );
}
