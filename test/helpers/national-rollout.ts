import type { DataSource } from 'typeorm';
import { INTEGRATED_CARE_BOARDS } from '../../subgraphs/practices/reference/integrated-care-boards';
import { IntegratedCareBoardEntity } from '../../subgraphs/practices/entities/integrated-care-board';
import { PracticeEntity, type PracticeRow } from '../../subgraphs/practices/entities/practice';
import type { PracticeSupplier } from '../../subgraphs/runtime/suppliers';
import type { Actor, RolloutEvent } from '../../subgraphs/rollout/domain/rollout-event';
import { decide, type RolloutCommand } from '../../subgraphs/rollout/domain/state-machine';
import { RolloutEventEntity } from '../../subgraphs/rollout/entities/rollout-event';
import { toRow } from '../../subgraphs/rollout/store/rollout-store';
import { SeededRandom } from './seeded-random';

/**
 * A national-scale rollout written straight into the practices and rollout databases, for
 * benchmarks: `count` practices (default 6,500) over the 42 ICBs, suppliers in roughly the
 * national shares, and histories shaped like the programme's (waves from November 2022,
 * reschedules, pauses at the practice's request, resumes), every one replayed through the
 * real state machine. Seeded: the same count gives the same world.
 */
export async function insertNationalRollout(
  practices: DataSource,
  rollout: DataSource,
  options: { count?: number; seed?: number; updatedAt?: Date } = {},
): Promise<{ practices: number; events: number }> {
  const count = options.count ?? 6500;
  const seeded = new SeededRandom(options.seed ?? 2022);
  const random = () => seeded.next();
  const rows: PracticeRow[] = [];
  const events: ReturnType<typeof toRow>[] = [];
  for (let i = 0; i < count; i += 1) {
    const odsCode = `${'ABCDEFGHJKLMNPRSTVWY'[i % 20]}${String(10000 + Math.floor(i / 20)).padStart(5, '0')}`;
    const icb = INTEGRATED_CARE_BOARDS[Math.floor(random() * INTEGRATED_CARE_BOARDS.length)]!;
    const r = random();
    const supplier: PracticeSupplier =
      r < 0.55 ? 'EMIS' : r < 0.9 ? 'TPP' : r < 0.95 ? 'CEGEDIM' : r < 0.98 ? 'MICROTEST' : 'OTHER';
    const closed = random() < 0.02;
    rows.push({
      odsCode,
      name: `National Practice ${i + 1}`,
      postcode: 'LS1 3EX',
      supplier,
      icbCode: icb.code,
      status: closed ? 'CLOSED' : 'ACTIVE',
      openedOn: random() < 0.03 ? '2023-06-01' : '1974-04-01',
      closedOn: closed ? '2024-03-31' : null,
      updatedAt: options.updatedAt ?? new Date('2024-01-01T00:00:00.000Z'),
    });
    history(odsCode, supplier, random).forEach((event, seq) => events.push(toRow(odsCode, seq + 1, event)));
  }
  await practices.transaction(async (manager) => {
    await manager.getRepository(IntegratedCareBoardEntity).upsert([...INTEGRATED_CARE_BOARDS], ['code']);
    for (let i = 0; i < rows.length; i += 500) await manager.getRepository(PracticeEntity).insert(rows.slice(i, i + 500));
  });
  await rollout.transaction(async (manager) => {
    for (let i = 0; i < events.length; i += 500) await manager.getRepository(RolloutEventEntity).insert(events.slice(i, i + 500));
  });
  return { practices: rows.length, events: events.length };
}

const DAY = 86_400_000;
const REASONS = [
  "The practice's data protection impact assessment is not complete",
  'The practice prefers an opt-in model: patients enabled one by one',
  'Safeguarding concerns raised by the practice',
  'Clinical safety review',
];

/** One practice's commands, each at its own instant, through decide: a history the system could write. */
function history(odsCode: string, supplier: PracticeSupplier, random: () => number): RolloutEvent[] {
  if (supplier !== 'EMIS' && supplier !== 'TPP') return [];
  const actor: Actor = { role: 'supplier', id: supplier };
  const clinician: Actor = { role: 'clinician', id: `${odsCode}:practice-manager` };
  const wave = Date.UTC(2022, 10 + Math.floor(random() * 14), 1, 7); // Nov 2022 .. Dec 2023
  const steps: [number, RolloutCommand, Actor][] = [[wave - 28 * DAY, { kind: 'scheduleSwitchOn', at: new Date(wave) }, actor]];
  const r = random();
  if (r < 0.1) steps.push([wave - 14 * DAY, { kind: 'scheduleSwitchOn', at: new Date(wave + 35 * DAY) }, actor]);
  else if (r < 0.2) steps.push([wave - 7 * DAY, { kind: 'pauseAccess', reason: REASONS[Math.floor(random() * 4)]! }, clinician]);
  else if (r < 0.26) {
    steps.push([wave + 20 * DAY, { kind: 'pauseAccess', reason: REASONS[3]! }, clinician]);
    steps.push([wave + 60 * DAY, { kind: 'resumeAccess', at: null }, actor]);
  }
  const events: RolloutEvent[] = [];
  for (const [at, command, by] of steps) {
    const decision = decide(events, command, by, new Date(at));
    if (decision.ok) events.push(decision.event);
  }
  return events;
}
