import { z } from 'zod';
import { ConfigError, parseEnv } from '../../platform/config';
import { DEV_IDENTITY_PROVIDER_URL, discoveredDevJwtConfig } from './dev-issuers';
import { ISSUER_NAMES, nhsLoginTrustmark, type IssuerConfig, type IssuerName, type KeySource } from './issuers';

/** Each issuer's environment variables start with its prefix: NHS_LOGIN_ISSUER, CIS2_AUDIENCE, STAFF_JWKS_URL ... */
export const ISSUER_PREFIXES: Record<IssuerName, string> = { 'nhs-login': 'NHS_LOGIN', cis2: 'CIS2', staff: 'STAFF' };

const list = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1, { error: 'at least one value, comma-separated' }));

const shapeFor = (prefix: string) => ({
  [`${prefix}_ISSUER`]: z.string().url().optional(),
  [`${prefix}_AUDIENCE`]: list.optional(),
  [`${prefix}_DISCOVERY_URL`]: z.string().url().optional(),
  [`${prefix}_JWKS_URL`]: z.string().url().optional(),
});

/** The variables of the one-issuer days: refused by name, so an old deployment fails loudly instead of trusting nothing. */
const RETIRED = ['JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'];

/**
 * The issuers the gateway trusts, from the environment (decision 0051). An issuer is
 * configured by its `<PREFIX>_ISSUER` and `<PREFIX>_AUDIENCE`, its keys by `<PREFIX>_JWKS_URL`
 * or `<PREFIX>_DISCOVERY_URL` (default: the issuer's own discovery document); NHS login also
 * names the clients that are the patient's own (`NHS_LOGIN_PATIENT_CLIENT_IDS`). Production
 * requires all three issuers; in development an issuer left out is the local identity
 * provider's (IDENTITY_PROVIDER_URL, default http://localhost:4005).
 */
export function loadIssuers(env: NodeJS.ProcessEnv, production: boolean): IssuerConfig[] {
  const retired = RETIRED.filter((name) => env[name] !== undefined);
  if (retired.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${retired.join(', ')}: no longer read; configure each issuer (NHS_LOGIN_*, CIS2_*, STAFF_*, see docs/identity.md)`,
    );
  }
  const parsed = parseEnv(
    {
      ...shapeFor('NHS_LOGIN'),
      ...shapeFor('CIS2'),
      ...shapeFor('STAFF'),
      NHS_LOGIN_PATIENT_CLIENT_IDS: list.optional(),
      NHS_LOGIN_TRUSTMARK: z.string().url().optional(),
      IDENTITY_PROVIDER_URL: z.string().url().default(DEV_IDENTITY_PROVIDER_URL),
    },
    env,
  ) as Record<string, unknown>;
  const development = discoveredDevJwtConfig(String(parsed.IDENTITY_PROVIDER_URL)).issuers;
  const problems: string[] = [];
  const issuers = ISSUER_NAMES.map((name): IssuerConfig | undefined => {
    const prefix = ISSUER_PREFIXES[name];
    const issuer = parsed[`${prefix}_ISSUER`] as string | undefined;
    const audiences = parsed[`${prefix}_AUDIENCE`] as string[] | undefined;
    const jwksUrl = parsed[`${prefix}_JWKS_URL`] as string | undefined;
    const discoveryUrl = parsed[`${prefix}_DISCOVERY_URL`] as string | undefined;
    if (!issuer) {
      if (production) problems.push(`${prefix}_ISSUER: required in production (development issuers are for local use only)`);
      if (audiences || jwksUrl || discoveryUrl) problems.push(`${prefix}_ISSUER: required with the other ${prefix}_* variables`);
      return development.find((candidate) => candidate.name === name);
    }
    if (!audiences) problems.push(`${prefix}_AUDIENCE: required with ${prefix}_ISSUER`);
    if (jwksUrl && discoveryUrl) problems.push(`${prefix}_JWKS_URL, ${prefix}_DISCOVERY_URL: give one of them, not both`);
    const keys: KeySource = jwksUrl
      ? { kind: 'jwks', url: jwksUrl }
      : { kind: 'discovery', url: discoveryUrl ?? `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration` };
    const config: IssuerConfig = { name, issuer, audiences: audiences ?? [], keys };
    if (name === 'nhs-login') {
      const patients = parsed.NHS_LOGIN_PATIENT_CLIENT_IDS as string[] | undefined;
      if (!patients) problems.push('NHS_LOGIN_PATIENT_CLIENT_IDS: required with NHS_LOGIN_ISSUER (the NHS App client ids)');
      config.patientClientIds = patients ?? [];
      config.trustmark = (parsed.NHS_LOGIN_TRUSTMARK as string | undefined) ?? nhsLoginTrustmark(issuer);
    }
    return config;
  });
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return issuers.filter((issuer): issuer is IssuerConfig => issuer !== undefined);
}
