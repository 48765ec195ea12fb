import type { TokenClaims } from './dev-keys';
import { DEV_AUDIENCE, DEV_ISSUERS, DEV_PATIENT_CLIENT_ID } from './identity/dev-issuers';
import { nhsLoginTrustmark } from './identity/issuers';
import { staffRoleValue } from './identity/staff';

/** The options of `npm run token` (and of the tests' tokens), turned into claims. */
export interface TokenRequest {
  role: string;
  subject?: string;
  nhsNumber?: string;
  identityLevel?: string;
  odsCode?: string;
  supplier?: string;
  clientId?: string;
  scope?: string;
}

/** A CIS2 user's role profile, as CIS2 lists it in `nhsid_nrbac_roles` (docs/identity.md). */
const CLINICAL_PRACTITIONER = {
  person_orgid: '555254239107',
  person_roleid: '555254240100',
  role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
  role_code: 'S8000:G8000:R8000',
};

/**
 * Claims in the shape of the issuer that would grant the role: NHS login for a patient or an
 * app, CIS2 for a clinician, the staff issuer for everyone else (docs/identity.md). Options a
 * role does not use are left out; a role no issuer grants gets the staff shape and is refused.
 */
export function claimsFor(request: TokenRequest): TokenClaims {
  const sub = request.subject ?? `${request.role}-${request.nhsNumber ?? request.odsCode ?? request.supplier ?? 'user'}`;
  if (request.role === 'patient' || request.role === 'app') {
    const level = request.identityLevel ?? 'P9';
    const claims: TokenClaims = {
      iss: DEV_ISSUERS['nhs-login'],
      aud: DEV_AUDIENCE,
      sub,
      identity_proofing_level: level,
      vot: `${level}.Cp.Cd`,
      vtm: nhsLoginTrustmark(DEV_ISSUERS['nhs-login']),
    };
    if (request.nhsNumber !== undefined) claims.nhs_number = request.nhsNumber;
    const clientId = request.role === 'patient' ? DEV_PATIENT_CLIENT_ID : request.clientId;
    if (clientId !== undefined) claims.client_id = clientId;
    claims.scope = request.role === 'patient' ? 'openid profile' : (request.scope ?? '');
    return claims;
  }
  if (request.role === 'clinician') {
    return {
      iss: DEV_ISSUERS.cis2,
      aud: DEV_AUDIENCE,
      sub,
      selected_roleid: CLINICAL_PRACTITIONER.person_roleid,
      nhsid_nrbac_roles: [{ ...CLINICAL_PRACTITIONER, org_code: request.odsCode ?? '' }],
    };
  }
  return { iss: DEV_ISSUERS.staff, aud: DEV_AUDIENCE, sub, roles: [staffRoleValue(request.role, request.supplier)] };
}
