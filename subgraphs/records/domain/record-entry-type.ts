/** The kinds of record entry, as in the records SDL's RecordEntryType. */
export const RECORD_ENTRY_TYPES = [
  'APPOINTMENT',
  'TEST_RESULT',
  'CLINICAL_LETTER',
  'CONSULTATION_NOTE',
  'DIAGNOSIS',
  'MEDICATION',
] as const;
export type RecordEntryType = (typeof RECORD_ENTRY_TYPES)[number];

/** Guards values read from storage or the network, where a newer version may hold other kinds. */
export const isRecordEntryType = (value: unknown): value is RecordEntryType =>
  (RECORD_ENTRY_TYPES as readonly unknown[]).includes(value);

/**
 * Test results and clinical letters reach the patient only once a clinician has checked and
 * filed them ("patients will not see ... positive test results until they have been checked
 * and filed", digital.nhs.uk).
 */
export function mustBeFiled(type: RecordEntryType): boolean {
  return type === 'TEST_RESULT' || type === 'CLINICAL_LETTER';
}
