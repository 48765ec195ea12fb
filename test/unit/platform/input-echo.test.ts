import { withoutInputValues, withoutQuotedValues } from '../../../platform/input-echo';

describe('input errors never echo the value they refused', () => {
  it.each([
    [
      'Variable "$input" got invalid value { nhsNumber: "9990001375", type: "DIAGNOSIS", body: "Suspected abuse; see letter" }; Field "recordedAt" is not defined by type "AddRecordEntryInput".',
      'Variable "$input" got an invalid value; Field "recordedAt" is not defined by type "AddRecordEntryInput".',
    ],
    [
      'Variable "$input" got invalid value "17/05/2006" at "input.dateOfBirth"; Date must be a calendar date, e.g. 2006-05-17',
      'Variable "$input" got an invalid value at "input.dateOfBirth"; Date must be a calendar date, e.g. 2006-05-17',
    ],
    [
      'Variable "$input" got invalid value { titel: "HbA1c" }; Field "titel" is not defined by type "AddRecordEntryInput". Did you mean "title" or "type"?',
      'Variable "$input" got an invalid value; Field "titel" is not defined by type "AddRecordEntryInput".',
    ],
    [
      'Expected value of type "Date!", found "17/05/2006"; Date must be a calendar date',
      'Expected a value of type "Date!"; Date must be a calendar date',
    ],
    ['Expected value of type "ID!", found null.', 'Expected a value of type "ID!".'],
    ['String cannot represent a non string value: 9990001375', 'String cannot represent a non string value'],
    ['Value "Patient said X" does not exist in "RecordEntryType" enum.', 'The value is not one of the "RecordEntryType" enum.'],
    [
      'Cannot query field "titel" on type "RecordEntry". Did you mean "title"?',
      'Cannot query field "titel" on type "RecordEntry".',
    ],
    ['Variable "$n" of required type "ID!" was not provided.', 'Variable "$n" of required type "ID!" was not provided.'],
  ])('%s', (message, expected) => {
    expect(withoutInputValues(message)).toBe(expected);
    expect(withoutInputValues(message)).not.toMatch(/999\d{7}|Suspected|17\/05|Patient said/);
  });
});

describe('for the Sandbox roles, suggestions stay and the values still go', () => {
  it.each([
    [
      'Variable "$input" got invalid value { titel: "HbA1c" }; Field "titel" is not defined by type "AddRecordEntryInput". Did you mean "title" or "type"?',
      'Variable "$input" got an invalid value; Field "titel" is not defined by type "AddRecordEntryInput". Did you mean "title" or "type"?',
    ],
    [
      'Variable "$g" got invalid value "Patient said X"; Value "Patient said X" does not exist in "RolloutGrouping" enum. Did you mean the enum value "NATIONAL"?',
      'Variable "$g" got an invalid value; The value is not one of the "RolloutGrouping" enum. Did you mean the enum value "NATIONAL"?',
    ],
    [
      'Cannot query field "titel" on type "RecordEntry". Did you mean "title"?',
      'Cannot query field "titel" on type "RecordEntry". Did you mean "title"?',
    ],
  ])('%s', (message, expected) => {
    expect(withoutQuotedValues(message)).toBe(expected);
    expect(withoutQuotedValues(message)).not.toMatch(/HbA1c|Patient said/);
  });
});
