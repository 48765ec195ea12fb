import { Bulkhead, type BulkheadLimit } from '../platform/bulkhead';
import type { Viewer } from '../platform/viewer';

/**
 * Who shares a bulkhead: patients and the apps acting for them; clinicians and NHS England;
 * analysts and suppliers, whose figures and waves are the heaviest operations there are.
 */
export type Share = 'patients' | 'clinicians' | 'analytics';

/** The analysts' light lane: its bounds and the most an operation may cost to run in it. */
export interface LightLaneLimit extends BulkheadLimit {
  maxCost: number;
}

export interface BulkheadLimits {
  patients: BulkheadLimit;
  clinicians: BulkheadLimit;
  /** Analysts' and suppliers' heavy operations (costing more than the light lane's `maxCost`). */
  analytics: BulkheadLimit;
  /** Analysts' and suppliers' light operations, admitted by their cost (decision 0092). */
  analyticsLight: LightLaneLimit;
}

export const BULKHEAD_LIMITS: BulkheadLimits = {
  patients: { concurrent: 64, queued: 512, waitMs: 5000 },
  clinicians: { concurrent: 32, queued: 256, waitMs: 5000 },
  // One at a time: an analyst's heaviest operation (up to 10,000) keeps a core busy; the rest wait their turn.
  analytics: { concurrent: 1, queued: 16, waitMs: 5000 },
  // Four (2 cores × 2) of at most 1,000 each weigh under half of one heavy operation; the ready
  // operations cost 295 (ICB summary) and 372 (52 weeks). Measured in decision 0092.
  analyticsLight: { concurrent: 4, queued: 16, waitMs: 5000, maxCost: 1000 },
};

export function shareOf(role: Viewer['role']): Share {
  switch (role) {
    case 'patient':
    case 'app':
      return 'patients';
    case 'clinician':
    case 'nhse':
      return 'clinicians';
    default:
      return 'analytics';
  }
}

/** Which of the analysts' lanes an operation of this cost runs in: anything not plainly light is heavy. */
export function analyticsLane(cost: number, light: LightLaneLimit): 'light' | 'heavy' {
  return Number.isFinite(cost) && cost >= 0 && cost <= light.maxCost ? 'light' : 'heavy';
}

/**
 * One bulkhead per share, so one share's heavy work waits in its own queue, never in another's.
 * Patients and clinicians are admitted by role before their operation is read (`admit`); analysts
 * once its cost is known (`admitByCost`): light ones side by side, heavy ones one at a time.
 */
export class Bulkheads {
  private readonly shares: Record<Exclude<Share, 'analytics'>, Bulkhead>;
  private readonly analytics: { light: Bulkhead; heavy: Bulkhead };

  constructor(private readonly limits: BulkheadLimits) {
    this.shares = { patients: new Bulkhead(limits.patients), clinicians: new Bulkhead(limits.clinicians) };
    this.analytics = { light: new Bulkhead(limits.analyticsLight), heavy: new Bulkhead(limits.analytics) };
  }

  /** Every lane by name, for the figures (bulkhead-metrics.ts). */
  lanes(): [string, Bulkhead][] {
    return [
      ['patients', this.shares.patients],
      ['clinicians', this.shares.clinicians],
      ['analytics-light', this.analytics.light],
      ['analytics-heavy', this.analytics.heavy],
    ];
  }

  /** Whether this role's operations wait for their cost before they are admitted. */
  admitsByCost(role: Viewer['role']): boolean {
    return shareOf(role) === 'analytics';
  }

  /** Patients' and clinicians' operations, by role. An analyst's never runs unadmitted: the heavy lane. */
  admit(role: Viewer['role']): Promise<() => void> {
    const share = shareOf(role);
    return share === 'analytics' ? this.analytics.heavy.admit() : this.shares[share].admit();
  }

  /** An analyst's operation, in the lane its cost puts it in. */
  admitByCost(cost: number): Promise<() => void> {
    return this.analytics[analyticsLane(cost, this.limits.analyticsLight)].admit();
  }
}
