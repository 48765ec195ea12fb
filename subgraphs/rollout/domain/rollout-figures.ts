import { londonDayStartMs } from '../../runtime/london-day';
import type { PracticeMember } from '../../runtime/practice-membership';
import { SUPPLIER_LABELS } from '../../runtime/suppliers';
import type { AccessStatus, RolloutEvent } from './rollout-event';
import { statusSteps } from './rollout-state';

export type { PracticeMember };

export type RolloutGrouping = 'NATIONAL' | 'ICB' | 'SUPPLIER';

/** How many practices stood in each state at one instant, in one group. */
export interface RolloutCounts {
  key: string;
  label: string;
  total: number;
  notScheduled: number;
  scheduled: number;
  enabled: number;
  paused: number;
}

/** Where each status is tallied in a group's counts at an instant (after the total, at 0). */
const SLOT: Record<AccessStatus, 1 | 2 | 3 | 4> = { NOT_SCHEDULED: 1, SCHEDULED: 2, ENABLED: 3, PAUSED: 4 };
const SLOTS = 5;

/**
 * How many of the ascending `sorted` come before `at` (with `at` itself counted too when
 * `includingAt`): the index of the first one at or after `at` (after it, when including).
 */
export function countBefore(sorted: readonly number[], at: number, includingAt = false): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < at || (includingAt && sorted[middle] === at)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether every instant is a number and none comes before the one ahead of it. */
export const ascendingInstants = (instants: readonly number[]): boolean =>
  instants.every((at, i) => !Number.isNaN(at) && (i === 0 || at >= instants[i - 1]!));

/**
 * A practice counts at an instant when it was open then: on or after the London midnight
 * that starts its open date, and before the one that starts its close date. A date we cannot
 * read leaves the practice uncounted rather than guessed.
 */
export function openInterval(member: PracticeMember): { from: number; to: number } | null {
  const from = member.openedOn === null ? -Infinity : londonDayStartMs(member.openedOn);
  const to = member.closedOn === null ? Infinity : londonDayStartMs(member.closedOn);
  return from === null || to === null ? null : { from, to };
}

/** Whether the practice was open at the instant (ms); a practice with an unreadable date never is. */
export const isOpenAt = (open: { from: number; to: number } | null, instant: number): boolean =>
  open !== null && open.from <= instant && instant < open.to;

function groupOf(member: PracticeMember, grouping: RolloutGrouping, nationalLabel: string): { key: string; label: string } {
  switch (grouping) {
    case 'ICB':
      return { key: member.icbCode, label: member.icbName };
    case 'SUPPLIER':
      return { key: member.supplier, label: SUPPLIER_LABELS[member.supplier] ?? member.supplier };
    default:
      return { key: 'ENGLAND', label: nationalLabel };
  }
}

/**
 * The rollout at each instant (ms, ascending), grouped: each practice's history is folded once
 * for all instants. Groups are those of the members given (every member's group appears at every
 * instant, with zeros where it had no open practice), ordered by key; NATIONAL is one group.
 * Membership is today's (the practices subgraph keeps no history of ICB or supplier moves);
 * states and open/closed are as of each instant, so past figures stay as they were.
 */
export function countRollout(
  members: readonly PracticeMember[],
  histories: ReadonlyMap<string, readonly RolloutEvent[]>,
  instants: readonly number[],
  grouping: RolloutGrouping,
  nationalLabel = 'England',
): RolloutCounts[][] {
  if (!ascendingInstants(instants)) throw new Error('countRollout needs valid instants in ascending order');
  // Per group, the counts at instant i are tallies[i * SLOTS .. i * SLOTS + 4]: total, then by SLOT.
  const groups = new Map<string, { label: string; tallies: Int32Array }>();
  const groupFor = (key: string, label: string) => {
    let group = groups.get(key);
    if (group === undefined) {
      // One row more than instants: where runs that last past the last instant end.
      group = { label, tallies: new Int32Array((instants.length + 1) * SLOTS) };
      groups.set(key, group);
    }
    return group;
  };
  // England is one group even with no practice in it: zeros, not an empty answer.
  if (grouping === 'NATIONAL') groupFor('ENGLAND', nationalLabel);
  // Each practice adds one to a slot over a run of instants: +1 where the run starts, -1 where it
  // ends (difference arrays, summed up below), so its cost is its few status steps, not the instants.
  const add = (tallies: Int32Array, slot: number, from: number, to: number) => {
    const first = countBefore(instants, from);
    const end = countBefore(instants, to);
    if (first >= end) return;
    tallies[first * SLOTS + slot] = tallies[first * SLOTS + slot]! + 1;
    tallies[end * SLOTS + slot] = tallies[end * SLOTS + slot]! - 1;
  };
  for (const member of members) {
    const { key, label } = groupOf(member, grouping, nationalLabel);
    const { tallies } = groupFor(key, label);
    const open = openInterval(member);
    if (open === null) continue;
    add(tallies, 0, open.from, open.to);
    const steps = statusSteps(histories.get(member.odsCode) ?? []);
    for (let k = -1; k < steps.length; k += 1) {
      // Before the first step NOT_SCHEDULED; each step's status until the next step, within the open dates.
      const from = Math.max(open.from, k < 0 ? -Infinity : steps[k]!.from);
      const to = Math.min(open.to, k + 1 < steps.length ? steps[k + 1]!.from : Infinity);
      if (from < to) add(tallies, SLOT[k < 0 ? 'NOT_SCHEDULED' : steps[k]!.status], from, to);
    }
  }
  for (const { tallies } of groups.values()) {
    for (let at = SLOTS; at < instants.length * SLOTS; at += 1) tallies[at] = tallies[at]! + tallies[at - SLOTS]!;
  }
  const ordered = [...groups.keys()].sort();
  return instants.map((_, i) =>
    ordered.map((key): RolloutCounts => {
      const { label, tallies } = groups.get(key)!;
      const at = i * SLOTS;
      return {
        key,
        label,
        total: tallies[at]!,
        notScheduled: tallies[at + SLOT.NOT_SCHEDULED]!,
        scheduled: tallies[at + SLOT.SCHEDULED]!,
        enabled: tallies[at + SLOT.ENABLED]!,
        paused: tallies[at + SLOT.PAUSED]!,
      };
    }),
  );
}

export type TimelineInterval = 'DAY' | 'WEEK';
const STEP_MS: Record<TimelineInterval, number> = { DAY: 86_400_000, WEEK: 7 * 86_400_000 };

/** The instants of a timeline: from, from + step, ... up to and including `to`. */
export function timelineInstants(from: Date, to: Date, interval: TimelineInterval): number[] {
  const step = STEP_MS[interval];
  const instants: number[] = [];
  for (let at = from.getTime(); at <= to.getTime(); at += step) instants.push(at);
  return instants;
}

/** How many points a timeline of that span would have, without building it. */
export const timelineLength = (from: Date, to: Date, interval: TimelineInterval): number =>
  to.getTime() < from.getTime() ? 0 : Math.floor((to.getTime() - from.getTime()) / STEP_MS[interval]) + 1;
