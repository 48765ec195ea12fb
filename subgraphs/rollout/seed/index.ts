import type { DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { DEMO_ROLLOUT, demoInstant, type DemoCommand } from '../../demo-world/rollout-histories';
import type { RolloutEvent } from '../domain/rollout-event';
import { decide, type RolloutCommand } from '../domain/state-machine';
import { RolloutEventEntity } from '../entities/rollout-event';
import { toRow } from '../store/rollout-store';

const toCommand = (command: DemoCommand, seededAt: Date): RolloutCommand => {
  switch (command.kind) {
    case 'scheduleSwitchOn':
      return { kind: 'scheduleSwitchOn', at: demoInstant(command.at, seededAt) };
    case 'resumeAccess':
      return { kind: 'resumeAccess', at: command.at === null ? null : demoInstant(command.at, seededAt) };
    default:
      return command;
  }
};

/**
 * Replays the demo rollout through the state machine, each command at its own instant, into
 * an empty database. A command the machine refuses is a mistake in the demo world: it stops
 * the seed loudly rather than writing a history the system could not have written.
 */
export async function seedRollout(dataSource: DataSource, clock: Clock): Promise<void> {
  const repository = dataSource.getRepository(RolloutEventEntity);
  if ((await repository.count()) > 0) return;
  const seededAt = clock.now();
  const rows = DEMO_ROLLOUT.flatMap(({ odsCode, steps }) => {
    const history: RolloutEvent[] = [];
    for (const step of steps) {
      const decision = decide(history, toCommand(step.command, seededAt), step.by, demoInstant(step.when, seededAt));
      if (!decision.ok) throw new Error(`Demo rollout for ${odsCode} is inconsistent: ${decision.message}`);
      history.push(decision.event);
    }
    return history.map((event, i) => toRow(odsCode, i + 1, event));
  });
  await dataSource.transaction(async (manager) => {
    for (let i = 0; i < rows.length; i += 200) await manager.getRepository(RolloutEventEntity).insert(rows.slice(i, i + 200));
  });
}
