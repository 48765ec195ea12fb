import DataLoader from 'dataloader';
import type { IcbRow } from '../entities/integrated-care-board';
import type { PracticeRow } from '../entities/practice';
import type { PracticeStore } from './practice-store';

/** Per-request loaders: one `WHERE key IN (...)` per batch, results in key order, null for a miss. */
export interface PracticeLoaders {
  practice: DataLoader<string, PracticeRow | null>;
  icb: DataLoader<string, IcbRow | null>;
}

export function createPracticeLoaders(store: PracticeStore): PracticeLoaders {
  return {
    practice: new DataLoader(async (codes) => {
      const byCode = new Map((await store.practicesByCode(codes)).map((row) => [row.odsCode, row]));
      return codes.map((code) => byCode.get(code) ?? null);
    }),
    icb: new DataLoader(async (codes) => {
      const byCode = new Map((await store.icbsByCode(codes)).map((row) => [row.code, row]));
      return codes.map((code) => byCode.get(code) ?? null);
    }),
  };
}
