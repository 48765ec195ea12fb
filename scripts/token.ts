import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { dataDir } from '../platform/config';
import { signDevToken } from '../gateway/dev-keys';
import { claimsFor } from '../gateway/token-claims';
import { viewerFromClaims } from '../gateway/identity';

/**
 * `npm run --silent token -- --role ROLE [options]`: prints a token the locally started
 * system accepts, in the shape of the issuer that grants the role (NHS login for patient and
 * app, CIS2 for clinician, the staff issuer for the rest; docs/identity.md), signed with that
 * issuer's key of the local identity provider (under data/, created on first use).
 */
const USAGE = `Usage: npm run --silent token -- --role ROLE [options]
  --role patient   --nhs-number N [--identity-level P9|P5|P0]
  --role app       --client-id C --nhs-number N --scope "record:read" [--identity-level P9]
  --role clinician --ods-code P
  --role supplier  --supplier EMIS|TPP|CEGEDIM|MICROTEST|OTHER
  --role nhse | --role analyst | --role registration
  [--subject S] [--expires-in 12h]   (the gateway refuses tokens that live longer than 24h)`;

/** Why there is no development token in production: the gateway there trusts the real issuers only. */
const NOT_IN_PRODUCTION = `npm run token makes development tokens, signed with the local identity provider's keys.
A production gateway (NODE_ENV=production) trusts only NHS login, CIS2 and the staff issuer, so it would
refuse them: get a token from one of those issuers and pass it with --token or ACCESS_TOKEN.`;

async function main() {
  if (process.env.NODE_ENV === 'production') {
    console.error(NOT_IN_PRODUCTION);
    process.exitCode = 2;
    return;
  }
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      'nhs-number': { type: 'string' },
      'identity-level': { type: 'string' },
      'ods-code': { type: 'string' },
      supplier: { type: 'string' },
      'client-id': { type: 'string' },
      scope: { type: 'string' },
      subject: { type: 'string' },
      'expires-in': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.role) {
    console.error(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const claims = claimsFor({
    role: values.role,
    ...(values.subject ? { subject: values.subject } : {}),
    ...(values['nhs-number'] ? { nhsNumber: values['nhs-number'] } : {}),
    ...(values['identity-level'] ? { identityLevel: values['identity-level'] } : {}),
    ...(values['ods-code'] ? { odsCode: values['ods-code'] } : {}),
    ...(values.supplier ? { supplier: values.supplier } : {}),
    ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
    ...(values.scope ? { scope: values.scope } : {}),
  });
  // Refuse to print a token the gateway would refuse: say which option is missing or wrong.
  if (!viewerFromClaims(claims)) {
    console.error(`These options do not make a valid ${values.role} token.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.log(await signDevToken(join(dataDir(), 'dev-jwt-keys.json'), claims, { expiresIn: values['expires-in'] ?? '12h' }));
}

void main();
