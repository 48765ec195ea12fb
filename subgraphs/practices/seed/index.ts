import type { DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { DEMO_ICBS, DEMO_PRACTICES } from '../../demo-world/practices';
import { IntegratedCareBoardEntity } from '../entities/integrated-care-board';
import { PracticeEntity } from '../entities/practice';

/** Loads the demo practices and ICBs into an empty database; leaves a non-empty one alone. */
export async function seedPractices(dataSource: DataSource, clock: Clock): Promise<void> {
  if ((await dataSource.getRepository(PracticeEntity).count()) > 0) return;
  const now = clock.now();
  await dataSource.transaction(async (manager) => {
    await manager.getRepository(IntegratedCareBoardEntity).insert([...DEMO_ICBS]);
    await manager
      .getRepository(PracticeEntity)
      .insert(DEMO_PRACTICES.map((p) => ({ ...p, status: 'ACTIVE' as const, openedOn: null, closedOn: null, updatedAt: now })));
  });
}
