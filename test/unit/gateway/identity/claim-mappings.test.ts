import { viewerFromCis2 } from '../../../../gateway/identity/cis2';
import { viewerFromNhsLogin } from '../../../../gateway/identity/nhs-login';
import { viewerFromStaff } from '../../../../gateway/identity/staff';

const TRUSTMARK = 'https://auth.login.nhs.uk/trustmark/auth.login.nhs.uk';
const settings = { patientClientIds: ['nhs-app'], trustmark: TRUSTMARK };
const nhsLogin = {
  sub: '49f470a1-cc52-49b7-beba-0f9cec937c46',
  nhs_number: '9990001375',
  identity_proofing_level: 'P9',
  vot: 'P9.Cp.Cd',
  vtm: TRUSTMARK,
  client_id: 'nhs-app',
  scope: 'openid profile',
};

describe('NHS login claims', () => {
  it('make the patient when the client is one of the patient-facing clients', () => {
    expect(viewerFromNhsLogin(nhsLogin, settings)).toEqual({
      role: 'patient',
      subject: nhsLogin.sub,
      nhsNumber: '9990001375',
      identityLevel: 'P9',
    });
  });

  it('make an app acting for the patient for any other client, with its scopes', () => {
    expect(viewerFromNhsLogin({ ...nhsLogin, client_id: 'demo-app', scope: 'openid record:read' }, settings)).toEqual({
      role: 'app',
      subject: nhsLogin.sub,
      clientId: 'demo-app',
      nhsNumber: '9990001375',
      identityLevel: 'P9',
      scopes: ['openid', 'record:read'],
    });
  });

  it('keep a P5 or P0 level as it is (the records rules decide what it may read)', () => {
    expect(viewerFromNhsLogin({ ...nhsLogin, identity_proofing_level: 'P5', vot: 'P5.Cp.Cd' }, settings)).toMatchObject({
      identityLevel: 'P5',
    });
  });

  it.each([
    ['no NHS number', { nhs_number: undefined }],
    ['an NHS number of nine digits', { nhs_number: '999000137' }],
    ['an NHS number as a number', { nhs_number: 9990001375 }],
    ['no identity proofing level', { identity_proofing_level: undefined }],
    ['a level NHS login does not have', { identity_proofing_level: 'P7', vot: 'P7.Cp' }],
    ['a lower-case level', { identity_proofing_level: 'p9' }],
    ['no vector of trust', { vot: undefined }],
    ['a vector of trust saying another level', { vot: 'P5.Cp.Cd' }],
    ['a vector of trust without a credential', { vot: 'P9' }],
    ['another trustmark', { vtm: 'https://elsewhere.example/trustmark' }],
    ['no client id', { client_id: undefined }],
    ['a client id that is not a string', { client_id: ['nhs-app'] }],
    ['no subject', { sub: '' }],
  ])('refuse a token with %s', (_case, change) => {
    expect(viewerFromNhsLogin({ ...nhsLogin, ...change }, settings)).toBeNull();
  });
});

const cis2Role = {
  person_orgid: '555254239107',
  person_roleid: '555254240100',
  org_code: 'A81001',
  role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
  role_code: 'S8000:G8000:R8000',
};
const cis2 = { sub: '555254242105', selected_roleid: '555254240100', nhsid_nrbac_roles: [cis2Role] };

describe('CIS2 claims', () => {
  it("make a clinician of the selected role's practice", () => {
    expect(viewerFromCis2(cis2)).toEqual({ role: 'clinician', subject: '555254242105', odsCode: 'A81001' });
  });

  it('take the practice of the selected role, not of the first one listed', () => {
    const other = { ...cis2Role, person_roleid: '555254240200', org_code: 'B84016' };
    expect(viewerFromCis2({ ...cis2, nhsid_nrbac_roles: [other, cis2Role] })).toMatchObject({ odsCode: 'A81001' });
    expect(viewerFromCis2({ ...cis2, selected_roleid: '555254240200', nhsid_nrbac_roles: [other, cis2Role] })).toMatchObject({
      odsCode: 'B84016',
    });
  });

  it.each([
    ['no selected role', { selected_roleid: undefined }],
    ['a selected role that is not in the list', { selected_roleid: '999999999999' }],
    ['no role list', { nhsid_nrbac_roles: undefined }],
    ['an empty role list', { nhsid_nrbac_roles: [] }],
    ['the selected role listed twice', { nhsid_nrbac_roles: [cis2Role, { ...cis2Role, org_code: 'B84016' }] }],
    ["an organisation that is not a practice (a trust's code)", { nhsid_nrbac_roles: [{ ...cis2Role, org_code: 'RBA' }] }],
    ['a lower-case practice code', { nhsid_nrbac_roles: [{ ...cis2Role, org_code: 'a81001' }] }],
    ['a role list that is not a list', { nhsid_nrbac_roles: cis2Role }],
    ['a selected role id that is a number', { selected_roleid: 555254240100 }],
  ])('refuse a token with %s', (_case, change) => {
    expect(viewerFromCis2({ ...cis2, ...change })).toBeNull();
  });
});

describe('staff claims', () => {
  it.each([
    [['NHSE'], { role: 'nhse' }],
    [['Analyst'], { role: 'analyst' }],
    [['Registration'], { role: 'registration' }],
    [['Supplier.EMIS'], { role: 'supplier', supplier: 'EMIS' }],
    [['Supplier.TPP'], { role: 'supplier', supplier: 'TPP' }],
  ])('make %j the matching role', (roles, expected) => {
    expect(viewerFromStaff({ sub: 'staff-1', roles })).toEqual({ subject: 'staff-1', ...expected });
  });

  it.each([
    ['no roles claim', { roles: undefined }],
    ['an empty roles claim', { roles: [] }],
    ['two roles', { roles: ['NHSE', 'Analyst'] }],
    ['a roles claim that is a string', { roles: 'NHSE' }],
    ['an unknown role', { roles: ['Superuser'] }],
    ['the internal service role', { roles: ['Service'] }],
    ['a supplier not in the list', { roles: ['Supplier.ACME'] }],
    ['a role in another case', { roles: ['nhse'] }],
    ['an inherited property name', { roles: ['toString'] }],
    ['the old role claim', { roles: undefined, role: 'nhse' }],
  ])('refuse a token with %s', (_case, change) => {
    const valid: Record<string, unknown> = { sub: 'staff-1', roles: ['NHSE'] };
    expect(viewerFromStaff({ ...valid, ...change })).toBeNull();
  });
});
