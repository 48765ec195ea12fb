import { SUPPLIERS, type Supplier } from '../../platform/viewer';

/**
 * What the practices subgraph may record as a practice's GP system: a supplier a token can
 * name, or UNKNOWN for a practice loaded from the ODS file (which does not say which system
 * a practice runs) until NHS England sets it. No token is ever issued for UNKNOWN.
 */
export const PRACTICE_SUPPLIERS = [...SUPPLIERS, 'UNKNOWN'] as const;
export type PracticeSupplier = (typeof PRACTICE_SUPPLIERS)[number];

export const isPracticeSupplier = (value: unknown): value is PracticeSupplier =>
  (PRACTICE_SUPPLIERS as readonly unknown[]).includes(value);

/** How analysts read each supplier in reports and grouped figures. */
export const SUPPLIER_LABELS: Record<PracticeSupplier, string> = {
  EMIS: 'EMIS Health (EMIS Web)',
  TPP: 'TPP (SystmOne)',
  CEGEDIM: 'Cegedim (Vision)',
  MICROTEST: 'Microtest (Evolution)',
  OTHER: 'Other suppliers',
  UNKNOWN: 'Supplier not yet known',
};

export type { Supplier };
