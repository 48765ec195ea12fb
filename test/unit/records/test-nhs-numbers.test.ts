import { isValidNhsNumber } from '../../../subgraphs/records/domain/nhs-number';
import { TEST_NHS_NUMBER_COUNT, testNhsNumbers } from '../../helpers/bulk-records';

/** The fixtures' NHS numbers: only valid ones, only from the range never issued to a patient. */
describe('test NHS numbers', () => {
  it('gives every valid number of the 999 range, and no more', () => {
    const all = testNhsNumbers(TEST_NHS_NUMBER_COUNT);
    expect(all).toHaveLength(909_091);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((n) => /^999[0-9]{7}$/.test(n) && isValidNhsNumber(n))).toBe(true);
    expect(all.at(-1)!.startsWith('999999999')).toBe(true);
    expect(() => testNhsNumbers(TEST_NHS_NUMBER_COUNT + 1)).toThrow(RangeError);
    expect(() => testNhsNumbers(2, 999_999)).toThrow('909091 valid NHS numbers');
  });
});
