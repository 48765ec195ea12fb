import { isValidNhsNumber } from '../../../subgraphs/records/domain/nhs-number';

describe('an NHS number (Modulus 11, NHS Data Dictionary)', () => {
  it.each([
    ['9434765919', 'a published example'],
    ['9990000018', 'a test number, check digit 8'],
    ['9990000026', 'a test number, check digit 6'],
    ['9990000050', 'a test number whose check value 11 becomes 0'],
    ['9999999999', 'the last test number'],
  ])('%s is valid (%s)', (value) => {
    expect(isValidNhsNumber(value)).toBe(true);
  });

  it.each([
    ['9990000017', 'the check digit is wrong'],
    ['9990000019', 'the check digit is wrong the other way'],
    ['9990000000', 'the first nine digits give check value 10, so no number starts with them'],
    ['9991234560', 'check value 10 whatever the last digit'],
    ['999000001X', 'it ends in a letter'],
    ['A990000018', 'it starts with a letter'],
    ['999 000 0018', 'it is written with spaces'],
    [' 9990000018', 'it has a leading space'],
    ['9990000018\n', 'it has a trailing newline'],
    ['999000001', 'it has 9 digits'],
    ['99900000180', 'it has 11 digits'],
    ['', 'it is empty'],
    ['９９９０００００１８', 'it uses full-width digits'],
    ['+990000018', 'it has a sign'],
  ])('%j is invalid: %s', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });
});
