import { invalidInput } from '../../platform/errors';
import { isIcbCode, isPracticeOdsCode } from './ods-code';

/** An ODS practice code argument, or BAD_USER_INPUT naming the argument. */
export function checkOdsCode(odsCode: string, field = 'odsCode'): string {
  if (!isPracticeOdsCode(odsCode)) throw invalidInput('ODS code must be one letter and five digits, e.g. A81001', field);
  return odsCode;
}

/** An optional ICB code argument (null when absent), or BAD_USER_INPUT naming the argument. */
export function checkIcbCode(code: string | null | undefined, field = 'icbCode'): string | null {
  if (code === null || code === undefined) return null;
  if (!isIcbCode(code)) throw invalidInput('ICB code must be three characters starting with Q, e.g. QWO', field);
  return code;
}
