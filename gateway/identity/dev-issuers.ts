import { ISSUER_NAMES, nhsLoginTrustmark, type IssuerConfig, type IssuerName, type JwtConfig, type KeySource } from './issuers';

/**
 * The local development identity provider (identity-provider/, `npm run start:identity-provider`):
 * one issuer per NHS identity service, under one address. The issuer strings are fixed, whatever
 * port the provider listens on (tests run it on a free port and tell the gateway where its
 * discovery documents are), so a development token means the same everywhere.
 */
export const DEV_IDENTITY_PROVIDER_URL = 'http://localhost:4005';
export const DEV_ISSUERS: Record<IssuerName, string> = {
  'nhs-login': `${DEV_IDENTITY_PROVIDER_URL}/nhs-login`,
  cis2: `${DEV_IDENTITY_PROVIDER_URL}/cis2`,
  staff: `${DEV_IDENTITY_PROVIDER_URL}/staff`,
};
export const DEV_AUDIENCE = 'urn:citizen-access:gateway';
/** The development stand-in for the NHS App: NHS login tokens of this client are the patient's own. */
export const DEV_PATIENT_CLIENT_ID = 'nhs-app';

/** Which development issuer a token's `iss` names, if any. */
export function devIssuerName(iss: unknown): IssuerName | undefined {
  return ISSUER_NAMES.find((name) => DEV_ISSUERS[name] === iss);
}

/** The development issuers, each with the given key source. */
export function devIssuerConfigs(keys: (name: IssuerName) => KeySource): IssuerConfig[] {
  return ISSUER_NAMES.map((name) => ({
    name,
    issuer: DEV_ISSUERS[name],
    audiences: [DEV_AUDIENCE],
    keys: keys(name),
    ...(name === 'nhs-login'
      ? { patientClientIds: [DEV_PATIENT_CLIENT_ID], trustmark: nhsLoginTrustmark(DEV_ISSUERS[name]) }
      : {}),
  }));
}

/** Tests: the development issuers, their keys read from the local key file (no provider running). */
export function devJwtConfig(keysPath: string): JwtConfig {
  return { issuers: devIssuerConfigs(() => ({ kind: 'local', keysPath })) };
}

/** `npm start`: the development issuers, their keys fetched from the local provider's discovery documents. */
export function discoveredDevJwtConfig(providerUrl: string): JwtConfig {
  const base = providerUrl.replace(/\/$/, '');
  return {
    issuers: devIssuerConfigs((name) => ({ kind: 'discovery', url: `${base}/${name}/.well-known/openid-configuration` })),
  };
}
