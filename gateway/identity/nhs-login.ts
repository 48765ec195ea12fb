import { z } from 'zod';
import type { Viewer } from '../../platform/viewer';

/**
 * NHS login (patients, and approved apps acting for them), in NHS login's own claim names:
 * `nhs_number`, `identity_proofing_level` (P0, P5, P9) and the vector of trust `vot`
 * (e.g. `P9.Cp.Cd`, proofing first) with its trustmark `vtm`. The client is `client_id`
 * (RFC 9068), which the issuer sets from the client that asked for the token: an app cannot
 * choose it. Sources in docs/identity.md.
 */
const level = z.enum(['P0', 'P5', 'P9']);
const claims = z.object({
  sub: z.string().min(1),
  nhs_number: z.string().regex(/^\d{10}$/),
  identity_proofing_level: level,
  // Proofing, then one or more credentials: P9.Cp.Cd, P5.Cp, P0.Cp.Ck.
  vot: z.string().regex(/^P\d(\.C[a-z])+$/),
  vtm: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string().optional(),
});

export interface NhsLoginSettings {
  patientClientIds: readonly string[];
  trustmark: string;
}

export function viewerFromNhsLogin(payload: Record<string, unknown>, settings: NhsLoginSettings): Viewer | null {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) return null;
  const token = parsed.data;
  // The level is said twice; both must agree, in this issuer's trustmark, or the token says nothing clear.
  if (token.vot.split('.')[0] !== token.identity_proofing_level || token.vtm !== settings.trustmark) return null;
  const identity = { subject: token.sub, nhsNumber: token.nhs_number, identityLevel: token.identity_proofing_level };
  if (settings.patientClientIds.includes(token.client_id)) return { role: 'patient', ...identity };
  const scopes = (token.scope ?? '').split(' ').filter(Boolean);
  return { role: 'app', ...identity, clientId: token.client_id, scopes };
}
