import type { PracticeSupplier } from './suppliers';

/**
 * A practice as the practices subgraph (its owner) describes it to the rollout subgraph for
 * grouping and counting (the internal practiceMembership field): one shape for both sides.
 */
export interface PracticeMember {
  odsCode: string;
  supplier: PracticeSupplier;
  icbCode: string;
  icbName: string;
  /** ODS open and close dates (YYYY-MM-DD); null when not known. */
  openedOn: string | null;
  closedOn: string | null;
}
