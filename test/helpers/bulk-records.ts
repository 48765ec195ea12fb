import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PatientEntity } from '../../subgraphs/records/entities/patient';
import { RecordEntryEntity, type RecordEntryRow } from '../../subgraphs/records/entities/record-entry';

/**
 * How many valid NHS numbers the test range (999 000 0000 to 999 999 9999, never issued to a
 * patient) holds: a tenth of its nine-digit stems have no valid check digit.
 */
export const TEST_NHS_NUMBER_COUNT = 909_091;

/** Valid test NHS numbers (Modulus 11) in the 999 range, as many as asked, from `start` on. */
export function testNhsNumbers(count: number, start = 0): string[] {
  const numbers: string[] = [];
  for (let n = start; numbers.length < count; n += 1) {
    // Past the range the stem grows a digit: an invalid number, perhaps a real patient's range.
    if (n > 999_999) throw new RangeError(`The test range holds ${TEST_NHS_NUMBER_COUNT} valid NHS numbers in all`);
    const nine = String(999_000_000 + n);
    const sum = [...nine].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) numbers.push(`${nine}${check}`);
  }
  return numbers;
}

/**
 * Many patients and entries written straight into the records database (fixtures for counts
 * and benchmarks, far faster than one mutation each): every patient gets `entriesEach`
 * appointments a minute apart from `from`, every `hiddenEvery`-th one hidden.
 */
export async function insertPatientsWithEntries(
  dataSource: DataSource,
  options: { odsCode: string; nhsNumbers: string[]; registeredAt: Date; entriesEach: number; from: Date; hiddenEvery: number },
): Promise<void> {
  await dataSource.getRepository(PatientEntity).insert(
    options.nhsNumbers.map((nhsNumber) => ({
      nhsNumber,
      odsCode: options.odsCode,
      dateOfBirth: '1970-01-01',
      registeredAt: options.registeredAt,
    })),
  );
  const entries: RecordEntryRow[] = options.nhsNumbers.flatMap((nhsNumber) =>
    Array.from({ length: options.entriesEach }, (_, k) => {
      const at = new Date(options.from.getTime() + k * 60_000);
      const hidden = (k + 1) % options.hiddenEvery === 0;
      return {
        id: randomUUID(),
        nhsNumber,
        type: 'APPOINTMENT' as const,
        title: `entry ${k}`,
        body: 'b',
        recordedAt: at,
        filedAt: null,
        availableAt: at,
        hiddenFromPatient: hidden,
        hiddenReason: hidden ? 'r' : null,
        recordedBy: 'fixture',
      };
    }),
  );
  for (let k = 0; k < entries.length; k += 500)
    await dataSource.getRepository(RecordEntryEntity).insert(entries.slice(k, k + 500));
}
