import { join } from 'node:path';
import { openDatabase } from '../../subgraphs/runtime/database';
import { PracticeEntity } from '../../subgraphs/practices/entities/practice';
import type { AccessStatus } from '../../subgraphs/rollout/domain/rollout-event';
import { deriveRolloutState } from '../../subgraphs/rollout/domain/rollout-state';
import { RolloutStore } from '../../subgraphs/rollout/store/rollout-store';
import { insertNationalRollout } from '../../test/helpers/national-rollout';
import { SUBGRAPH_SCHEMAS } from './subgraph-schemas';

/** What the records generator needs to know of a practice: open or not, and its access now. */
export interface PracticeFacts {
  odsCode: string;
  /** ACTIVE in ODS (closed practices have no registered patients). */
  active: boolean;
  /** ODS open date as an instant (ms), null when unknown. */
  openedAt: number | null;
  status: AccessStatus;
  /** Access periods as of the data set's asOf, oldest first, in ms; `to` null = still on. */
  periods: { from: number; to: number | null }[];
}

/**
 * Writes practices.sqlite and rollout.sqlite into `dir`: each migrated by its subgraph's own
 * migrations, then the national rollout (insertNationalRollout: practices over the 42 ICBs,
 * histories replayed through the real state machine). Returns each practice's state as of `asOf`.
 */
export async function writeRolloutWorld(
  dir: string,
  options: { practices: number; seed: number; asOf: Date; updatedAt: Date },
): Promise<{ practices: PracticeFacts[]; events: number }> {
  const practices = await openDatabase({ kind: 'sqlite', path: join(dir, 'practices.sqlite') }, SUBGRAPH_SCHEMAS.practices);
  try {
    const rollout = await openDatabase({ kind: 'sqlite', path: join(dir, 'rollout.sqlite') }, SUBGRAPH_SCHEMAS.rollout);
    try {
      const written = await insertNationalRollout(practices.dataSource, rollout.dataSource, {
        count: options.practices,
        seed: options.seed,
        updatedAt: options.updatedAt,
      });
      const rows = await practices.dataSource.getRepository(PracticeEntity).find({ order: { odsCode: 'ASC' } });
      const histories = await new RolloutStore(rollout.dataSource).allHistories();
      const facts = rows.map((row): PracticeFacts => {
        const state = deriveRolloutState(histories.get(row.odsCode) ?? [], options.asOf);
        return {
          odsCode: row.odsCode,
          active: row.status === 'ACTIVE',
          openedAt: row.openedOn ? Date.parse(`${row.openedOn}T00:00:00.000Z`) : null,
          status: state.status,
          periods: state.periods.map((period) => ({ from: period.from.getTime(), to: period.to?.getTime() ?? null })),
        };
      });
      return { practices: facts, events: written.events };
    } finally {
      await rollout.close();
    }
  } finally {
    await practices.close();
  }
}
