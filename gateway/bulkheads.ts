import { Bulkhead, type BulkheadLimit } from '../platform/bulkhead';
import type { Viewer } from '../platform/viewer';

/**
 * Who shares a bulkhead: patients and the apps acting for them; clinicians and NHS England;
 * analysts and suppliers, whose figures and waves are the heaviest operations there are.
 */
export type Share = 'patients' | 'clinicians' | 'analytics';
export type BulkheadLimits = Record<Share, BulkheadLimit>;

export const BULKHEAD_LIMITS: BulkheadLimits = {
  patients: { concurrent: 64, queued: 512, waitMs: 5000 },
  clinicians: { concurrent: 32, queued: 256, waitMs: 5000 },
  // Few at once: an analyst's heaviest operation keeps a core busy; the rest wait their turn.
  analytics: { concurrent: 1, queued: 16, waitMs: 5000 },
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

/** One bulkhead per share, so one share's heavy work waits in its own queue, never in another's. */
export class Bulkheads {
  private readonly shares: Record<Share, Bulkhead>;

  constructor(limits: BulkheadLimits) {
    this.shares = {
      patients: new Bulkhead(limits.patients),
      clinicians: new Bulkhead(limits.clinicians),
      analytics: new Bulkhead(limits.analytics),
    };
  }

  admit(role: Viewer['role']): Promise<() => void> {
    return this.shares[shareOf(role)].admit();
  }
}
