import type { JWTPayload } from 'jose';
import { viewerSchema, type Viewer } from '../../platform/viewer';
import { viewerFromCis2 } from './cis2';
import { devIssuerConfigs } from './dev-issuers';
import { ROLES_BY_ISSUER, type IssuerConfig } from './issuers';
import { viewerFromNhsLogin } from './nhs-login';
import { viewerFromStaff } from './staff';

/** Verified claims, read by the mapping of the issuer that signed them; null if they fit none of its roles. */
export function viewerForIssuer(issuer: IssuerConfig, payload: JWTPayload): Viewer | null {
  const claims = payload as Record<string, unknown>;
  let viewer: Viewer | null;
  switch (issuer.name) {
    case 'nhs-login':
      viewer = viewerFromNhsLogin(claims, { patientClientIds: issuer.patientClientIds ?? [], trustmark: issuer.trustmark ?? '' });
      break;
    case 'cis2':
      viewer = viewerFromCis2(claims);
      break;
    case 'staff':
      viewer = viewerFromStaff(claims);
      break;
  }
  // The internal service role, or any role this issuer may not grant, is never taken from a token.
  if (!viewer || !(ROLES_BY_ISSUER[issuer.name] as readonly string[]).includes(viewer.role)) return null;
  const parsed = viewerSchema.safeParse(viewer);
  return parsed.success ? parsed.data : null;
}

/**
 * The viewer that claims (not their signature) make under the issuer their `iss` names among
 * `issuers` (default: the development issuers): what `npm run token` checks before printing.
 */
export function viewerFromClaims(
  payload: JWTPayload,
  issuers: IssuerConfig[] = devIssuerConfigs(() => ({ kind: 'local', keysPath: '' })),
): Viewer | null {
  const issuer = issuers.find((candidate) => candidate.issuer === payload.iss);
  return issuer ? viewerForIssuer(issuer, payload) : null;
}
