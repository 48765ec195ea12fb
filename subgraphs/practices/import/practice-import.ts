import type { PracticeRow } from '../entities/practice';
import type { PracticeStore } from '../store/practice-store';
import { INTEGRATED_CARE_BOARDS, referenceIcb } from '../reference/integrated-care-boards';
import type { OdsPractice } from './epraccur-row';

/**
 * Applies the practices of an ODS file to the database in one transaction: new practices are
 * added (supplier UNKNOWN until NHS England sets it), practices whose ODS details changed are
 * updated (keeping their supplier), the rest are left untouched, updated_at included, so a
 * second run of the same file changes nothing. Practices absent from the file are left alone;
 * an ICB the database lacks is created from the reference list, an existing one never renamed.
 */
export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Codes of the ICBs created from the reference list. */
  icbsAdded: string[];
}

/** ICB codes an import may use: those in the database and those of the reference list. */
export async function importableIcbCodes(store: PracticeStore): Promise<Set<string>> {
  const stored = (await store.allIcbs()).map((icb) => icb.code);
  return new Set([...stored, ...INTEGRATED_CARE_BOARDS.map((icb) => icb.code)]);
}

/** Whether the file says something about the practice that the database does not. */
export function odsDetailsDiffer(stored: PracticeRow, fromFile: OdsPractice): boolean {
  return (
    stored.name !== fromFile.name ||
    stored.postcode !== fromFile.postcode ||
    stored.icbCode !== fromFile.icbCode ||
    stored.status !== fromFile.status ||
    stored.openedOn !== fromFile.openedOn ||
    stored.closedOn !== fromFile.closedOn
  );
}

export async function applyPracticeImport(
  store: PracticeStore,
  practices: readonly OdsPractice[],
  now: Date,
): Promise<ImportCounts> {
  return store.transaction(async (tx) => {
    const storedIcbs = new Set((await tx.allIcbs()).map((icb) => icb.code));
    const missingIcbs = [...new Set(practices.map((practice) => practice.icbCode))]
      .filter((code) => !storedIcbs.has(code))
      .sort();
    const newIcbs = missingIcbs.map((code) => {
      const icb = referenceIcb(code);
      // The rows were checked against the same list: reaching this is a bug, and nothing is written.
      if (!icb) throw new Error(`ICB ${code} is neither in the database nor in the reference list`);
      return icb;
    });
    await tx.insertIcbs(newIcbs);

    const stored = new Map(
      (await tx.practicesByCode(practices.map((practice) => practice.odsCode))).map((row) => [row.odsCode, row]),
    );
    const writes: PracticeRow[] = [];
    let added = 0;
    let updated = 0;
    for (const practice of practices) {
      const existing = stored.get(practice.odsCode);
      if (!existing) {
        added += 1;
        writes.push({ ...practice, supplier: 'UNKNOWN', updatedAt: now });
      } else if (odsDetailsDiffer(existing, practice)) {
        updated += 1;
        writes.push({ ...existing, ...practice, updatedAt: now });
      }
    }
    await tx.writePractices(writes);
    return { added, updated, unchanged: practices.length - added - updated, icbsAdded: missingIcbs };
  });
}
