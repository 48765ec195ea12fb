const TEN_ASCII_DIGITS = /^[0-9]{10}$/;

/**
 * NHS number check (Modulus 11, NHS Data Dictionary): digits 1-9 weighted 10 down to 2;
 * the check digit is 11 minus the sum modulo 11, where 11 means 0 and 10 means no valid
 * number has these first nine digits. Exactly ten ASCII digits: no spaces, no separators.
 */
export function isValidNhsNumber(value: string): boolean {
  if (typeof value !== 'string' || !TEN_ASCII_DIGITS.test(value)) return false;
  const digits = [...value].map(Number);
  const sum = digits.slice(0, 9).reduce((total, digit, i) => total + digit * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digits[9];
}
