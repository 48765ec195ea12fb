import type { SubgraphConfig } from '../runtime/config';
import { startSubgraph, type StartOptions, type SubgraphHandle } from '../runtime/start-subgraph';
import { practicesContext } from './context';
import { IntegratedCareBoardEntity } from './entities/integrated-care-board';
import { PracticeEntity } from './entities/practice';
import { CreatePractices1764000000000 } from './migrations/1764000000000-create-practices';
import { AddPracticeLifecycle1764100000000 } from './migrations/1764100000000-add-practice-lifecycle';
import { PracticeDirectoryVersion1764300000000 } from './migrations/1764300000000-practice-directory-version';
import { PRACTICE_DIRECTORY_VERSION } from './store/practice-store';
import { resolvers } from './resolvers';
import { seedPractices } from './seed';

/** The practices database: its entities and migrations, in order (imports and the bench data set build on them too). */
export const practicesDatabase = {
  entities: [PracticeEntity, IntegratedCareBoardEntity],
  migrations: [CreatePractices1764000000000, AddPracticeLifecycle1764100000000, PracticeDirectoryVersion1764300000000],
};

/** Builds and starts the practices subgraph from a config object; no I/O at import time. */
export function startPracticesSubgraph(config: SubgraphConfig, options: StartOptions = {}): Promise<SubgraphHandle> {
  return startSubgraph(
    config,
    {
      ...practicesDatabase,
      resolvers,
      contextFor: practicesContext,
      seedDemoData: seedPractices,
      dataVersions: [PRACTICE_DIRECTORY_VERSION],
    },
    options,
  );
}
