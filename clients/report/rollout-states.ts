import type { RolloutCounts } from '../../subgraphs/rollout/domain/rollout-figures';

/**
 * The rollout figures as the gateway answers them (the contract's RolloutCounts and
 * RolloutTimelinePoint), and the four access states the report draws, in stacking order:
 * one list, so the chart, its legend, the headline and every table agree on names and colours.
 */
export type { RolloutCounts };

export interface RolloutTimelinePoint {
  /** ISO instant, UTC, with milliseconds. */
  at: string;
  counts: RolloutCounts[];
}

export type StateField = 'enabled' | 'scheduled' | 'paused' | 'notScheduled';

export interface RolloutState {
  field: StateField;
  label: string;
  /** NHS identity palette: distinct in hue and in lightness, so they survive colour blindness. */
  colour: string;
}

/** Bottom of the stack first: enabled grows from the axis up. */
export const ROLLOUT_STATES: readonly RolloutState[] = [
  { field: 'enabled', label: 'Enabled', colour: '#007f3b' },
  { field: 'scheduled', label: 'Scheduled', colour: '#005eb8' },
  { field: 'paused', label: 'Paused', colour: '#ffb81c' },
  { field: 'notScheduled', label: 'Not scheduled', colour: '#aeb7bd' },
];

/** The counts of several groups added into one (ICBs into England, for instance). */
export function sumCounts(rows: readonly RolloutCounts[], key: string, label: string): RolloutCounts {
  const sum: RolloutCounts = { key, label, total: 0, notScheduled: 0, scheduled: 0, enabled: 0, paused: 0 };
  for (const row of rows) {
    sum.total += row.total;
    for (const { field } of ROLLOUT_STATES) sum[field] += row[field];
  }
  return sum;
}
