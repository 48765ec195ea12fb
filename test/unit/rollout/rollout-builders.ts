import type { Actor, RolloutEvent } from '../../../subgraphs/rollout/domain/rollout-event';
import { decide, type RolloutCommand } from '../../../subgraphs/rollout/domain/state-machine';

/** Readable instants for tests: instant('2023-02-01T00:00') is midnight UTC. */
export const instant = (iso: string): Date => new Date(iso.endsWith('Z') ? iso : `${iso}Z`);
export const plusMs = (date: Date, ms: number): Date => new Date(date.getTime() + ms);

export const supplier: Actor = { role: 'supplier', id: 'TPP' };
export const clinician: Actor = { role: 'clinician', id: 'A81001:clinician-1' };

const event = (kind: RolloutEvent['kind'], at: Date, fields: Partial<RolloutEvent> = {}): RolloutEvent => ({
  kind,
  at,
  actor: supplier,
  reason: null,
  plannedSwitchOnAt: null,
  noticeOverridden: false,
  ...fields,
});

export const scheduled = (at: Date, planned: Date): RolloutEvent => event('SCHEDULED', at, { plannedSwitchOnAt: planned });
export const rescheduled = (at: Date, planned: Date): RolloutEvent => event('RESCHEDULED', at, { plannedSwitchOnAt: planned });
export const switchedOn = (at: Date): RolloutEvent => event('SWITCHED_ON', at);
export const paused = (at: Date, reason = 'clinical safety review'): RolloutEvent =>
  event('PAUSED', at, { actor: clinician, reason });
export const resumed = (at: Date, planned: Date | null = null): RolloutEvent =>
  event('RESUMED', at, { plannedSwitchOnAt: planned });

/** Applies commands in turn through `decide`, as the resolvers would; a refusal fails the test. */
export function historyOf(steps: readonly (readonly [Date, RolloutCommand])[]): RolloutEvent[] {
  const history: RolloutEvent[] = [];
  for (const [now, command] of steps) {
    const decision = decide(history, command, supplier, now);
    if (!decision.ok) throw new Error(`refused at ${now.toISOString()}: ${decision.message}`);
    history.push(decision.event);
  }
  return history;
}
