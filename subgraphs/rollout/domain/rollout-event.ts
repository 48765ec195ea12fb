/** Automatic-access states of a practice, in the order the programme moves through them. */
export const ACCESS_STATUSES = ['NOT_SCHEDULED', 'SCHEDULED', 'ENABLED', 'PAUSED'] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

export type RolloutEventKind = 'SCHEDULED' | 'RESCHEDULED' | 'CANCELLED' | 'SWITCHED_ON' | 'PAUSED' | 'RESUMED';

/** Who asked for a change. id: the supplier ('EMIS'), the clinician ('A81001:<sub>') or nhse ('<sub>'). */
export interface Actor {
  role: 'supplier' | 'clinician' | 'nhse';
  id: string;
}

/** One entry of a practice's append-only rollout history; every state is derived from these. */
export interface RolloutEvent {
  kind: RolloutEventKind;
  /** When it was recorded (server clock); the history is ordered by it, ties keep array order. */
  at: Date;
  actor: Actor;
  /** Required (non-blank) for PAUSED. */
  reason: string | null;
  /** SCHEDULED / RESCHEDULED: the plan; RESUMED: a later instant, or null for "on at `at`". */
  plannedSwitchOnAt: Date | null;
  /** True when NHS England set a plan with less than the minimum notice (suppliers never may). */
  noticeOverridden: boolean;
}

/** A span during which automatic access was on: `from` inclusive, `to` exclusive, null = still on. */
export interface AccessPeriod {
  from: Date;
  to: Date | null;
}

/**
 * Milliseconds of an instant, or NaN for an Invalid Date (or a non-Date from an untyped caller),
 * so every comparison with it is false and the rules can refuse or ignore it.
 */
export const instantOf = (value: unknown): number => (value instanceof Date ? value.getTime() : NaN);

/** True for a Date that holds a real instant (not `new Date('nonsense')`). */
export const isValidInstant = (value: unknown): value is Date => !Number.isNaN(instantOf(value));
