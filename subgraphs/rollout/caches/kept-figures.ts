import type { AllHistories } from './kept-histories';
import {
  ascendingInstants,
  countBefore,
  countRollout,
  openInterval,
  type PracticeMember,
  type RolloutCounts,
  type RolloutGrouping,
} from '../domain/rollout-figures';
import { statusSteps } from '../domain/rollout-state';

/**
 * The most counts (one group at one instant) kept for one pair of kept inputs, so the memory
 * kept stays bounded however many timelines are asked; emptied when full.
 */
const MAX_KEPT_COUNTS = 200_000;

interface Stretches {
  /** Every instant (ms, ascending, once each) at which some count can change. */
  boundaries: number[];
  figures: Map<string, RolloutCounts[][]>;
  /** How many counts `figures` holds. */
  counts: number;
}

/**
 * Rollout figures remembered for the inputs the process keeps (the frozen membership and
 * histories of kept-histories.ts and practice-directory.ts). A count changes only at an instant
 * where some practice opens, closes or changes status; between two such instants every figure
 * is the same. So a figure asked again within the same stretches of time (the summary "now",
 * asked until the next planned switch-on; the same timeline, asked by the next analyst) is the
 * one already counted, exactly. New inputs (any write) are new objects, with nothing remembered.
 * Inputs that are not kept (not frozen) are simply counted.
 */
export class KeptFigures {
  private readonly kept = new WeakMap<readonly PracticeMember[], WeakMap<AllHistories, Stretches>>();

  count(
    members: readonly PracticeMember[],
    histories: AllHistories,
    instants: readonly number[],
    grouping: RolloutGrouping,
    nationalLabel: string,
  ): RolloutCounts[][] {
    if (!Object.isFrozen(members) || !ascendingInstants(instants))
      return countRollout(members, histories, instants, grouping, nationalLabel);
    const stretches = this.stretchesFor(members, histories);
    // Instants with as many boundaries at or before them lie in the same stretch: they see the same counts.
    const key = `${grouping}|${nationalLabel}|${instants.map((at) => countBefore(stretches.boundaries, at, true)).join(',')}`;
    let figures = stretches.figures.get(key);
    if (figures === undefined) {
      // Shared by every request that asks within the same stretches: frozen, so none can change them.
      figures = countRollout(members, histories, instants, grouping, nationalLabel).map((row) =>
        row.map((counts) => Object.freeze(counts)),
      );
      const counts = figures.reduce((sum, row) => sum + row.length, 0);
      if (stretches.counts + counts > MAX_KEPT_COUNTS) {
        stretches.figures.clear();
        stretches.counts = 0;
      }
      if (counts <= MAX_KEPT_COUNTS) {
        stretches.figures.set(key, figures);
        stretches.counts += counts;
      }
    }
    return figures;
  }

  private stretchesFor(members: readonly PracticeMember[], histories: AllHistories): Stretches {
    let byHistories = this.kept.get(members);
    if (byHistories === undefined) {
      byHistories = new WeakMap();
      this.kept.set(members, byHistories);
    }
    let stretches = byHistories.get(histories);
    if (stretches === undefined) {
      const instants = new Set<number>();
      for (const member of members) {
        const open = openInterval(member);
        if (open === null) continue;
        for (const at of [open.from, open.to]) if (Number.isFinite(at)) instants.add(at);
        for (const step of statusSteps(histories.get(member.odsCode) ?? [])) instants.add(step.from);
      }
      stretches = { boundaries: [...instants].sort((a, b) => a - b), figures: new Map(), counts: 0 };
      byHistories.set(histories, stretches);
    }
    return stretches;
  }
}
