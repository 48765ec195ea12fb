import type { SubgraphConfig } from '../runtime/config';
import { systemClock } from '../../platform/clock';
import { startSubgraph, type StartOptions, type SubgraphHandle } from '../runtime/start-subgraph';
import { rolloutContext } from './context';
import { RolloutEventEntity } from './entities/rollout-event';
import { CreateRolloutEvents1764000000001 } from './migrations/1764000000001-create-rollout-events';
import { AddNoticeOverridden1764100000001 } from './migrations/1764100000001-add-notice-overridden';
import { RolloutHistoryVersion1764300000001 } from './migrations/1764300000001-rollout-history-version';
import { DAY_MS } from './domain/state-machine';
import { PracticeDirectory } from './caches/practice-directory';
import { resolvers } from './resolvers';
import { ROLLOUT_HISTORY_VERSION } from './store/rollout-store';
import { seedRollout } from './seed';

/** The rollout database: its entities and migrations, in order (the bench data set builds on them too). */
export const rolloutDatabase = {
  entities: [RolloutEventEntity],
  migrations: [CreateRolloutEvents1764000000001, AddNoticeOverridden1764100000001, RolloutHistoryVersion1764300000001],
};

/** Builds and starts the rollout subgraph from a config object; no I/O at import time. */
export function startRolloutSubgraph(config: SubgraphConfig, options: StartOptions = {}): Promise<SubgraphHandle> {
  const directory = new PracticeDirectory(config.practicesUrl, config.signingSecret, options.clock ?? systemClock);
  return startSubgraph(
    config,
    {
      ...rolloutDatabase,
      resolvers,
      contextFor: rolloutContext(directory, { minimumNoticeMs: Math.round(config.minimumNoticeDays * DAY_MS) }),
      seedDemoData: seedRollout,
      dataVersions: [ROLLOUT_HISTORY_VERSION],
    },
    options,
  );
}
