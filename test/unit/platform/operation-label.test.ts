import { knownOperationNames } from '../../../platform/known-operations';
import { errorCodeLabel, operationLabel, OTHER_OPERATION } from '../../../platform/operation-label';

describe('operation labels: only names the API knows', () => {
  const known = new Set(['PatientRecord', 'ClinicianPreview']);

  it.each([
    ['PatientRecord', 'PatientRecord'],
    ['ClinicianPreview', 'ClinicianPreview'],
    // The gateway's fetch names, as a subgraph sees them, map back to the operation they serve.
    ['PatientRecord__records__0', 'PatientRecord'],
    ['PatientRecord__rollout__12', 'PatientRecord'],
  ])('a ready operation %s is labelled %s', (name, label) => {
    expect(operationLabel(name, known)).toBe(label);
  });

  it.each([
    ['a name of the client’s own', 'MyOwnOperation'],
    ['a name that only starts like a ready one', 'PatientRecordX'],
    ['a planner-like suffix on an unknown name', 'Secret__records__0'],
    ['an NHS number as a name', '9990002029'],
    ['a name with a ready one inside it', 'x PatientRecord'],
    ['no name', null],
    ['an empty name', ''],
    ['undefined', undefined],
  ])('%s is "other"', (_what, name) => {
    expect(operationLabel(name, known)).toBe(OTHER_OPERATION);
  });

  it('a code the house defines is kept; any other, or none, is OTHER', () => {
    const codes = new Set(['FORBIDDEN']);
    expect(errorCodeLabel('FORBIDDEN', codes)).toBe('FORBIDDEN');
    expect(errorCodeLabel('SOME_CLIENT_TEXT', codes)).toBe('OTHER');
    expect(errorCodeLabel(undefined, codes)).toBe('OTHER');
    expect(errorCodeLabel({ code: 'FORBIDDEN' }, codes)).toBe('OTHER');
  });

  it('the known names are exactly the ready operations under schema/operations/, every role included', () => {
    const names = knownOperationNames();
    for (const name of ['PatientRecord', 'ClinicianPreview', 'AppRecordFirstPage', 'SummaryByIcb', 'NhseApproveApp']) {
      expect(names.has(name)).toBe(true);
    }
    expect(names.size).toBe(42);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});
