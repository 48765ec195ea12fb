import type { TokenClaims } from './dev-keys';

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

export function claimsFor(request: TokenRequest): TokenClaims {
  const claims: TokenClaims = {
    sub: request.subject ?? `${request.role}-${request.nhsNumber ?? request.odsCode ?? request.supplier ?? 'user'}`,
    role: request.role,
  };
  if (request.nhsNumber !== undefined) claims.nhs_number = request.nhsNumber;
  if (request.role === 'patient' || request.role === 'app') claims.identity_proofing_level = request.identityLevel ?? 'P9';
  if (request.odsCode !== undefined) claims.ods_code = request.odsCode;
  if (request.supplier !== undefined) claims.supplier = request.supplier;
  if (request.clientId !== undefined) claims.client_id = request.clientId;
  if (request.scope !== undefined) claims.scope = request.scope;
  return claims;
}
