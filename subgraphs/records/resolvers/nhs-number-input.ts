import { invalidInput } from '../../../platform/errors';
import { isValidNhsNumber } from '../domain/nhs-number';

/** An NHS number argument, checked (Modulus 11) before anything is read or written. */
export function checkNhsNumber(nhsNumber: string, field = 'nhsNumber'): string {
  if (!isValidNhsNumber(nhsNumber)) throw invalidInput('Not a valid NHS number (10 digits, Modulus 11 check)', field);
  return nhsNumber;
}
