/** ODS practice code: one letter and five digits (A81001; new practices since 2003 start with Y). */
export const isPracticeOdsCode = (value: string): boolean => /^[A-Z]\d{5}$/.test(value);

/** ICB ODS code: three characters starting with Q (QWO, QF7, QE1). */
export const isIcbCode = (value: string): boolean => /^Q[A-Z0-9]{2}$/.test(value);

/** UK postcode, normalised to upper case with one space before the inward code; null if not one. */
export function normalisePostcode(value: string): string | null {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  const match = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  return match ? `${match[1]} ${match[2]}` : null;
}
