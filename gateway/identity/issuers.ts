/**
 * The identity providers the gateway trusts. Each has its own issuer string, audiences, keys
 * and claim mapping; a token is judged only by the issuer its `iss` names (docs/identity.md).
 */
export const ISSUER_NAMES = ['nhs-login', 'cis2', 'staff'] as const;
export type IssuerName = (typeof ISSUER_NAMES)[number];

/** Where an issuer's public keys come from: its OIDC discovery document, its JWKS, or (tests) a local key file. */
export type KeySource = { kind: 'discovery'; url: string } | { kind: 'jwks'; url: string } | { kind: 'local'; keysPath: string };

export interface IssuerConfig {
  name: IssuerName;
  /** The exact `iss` its tokens carry (and its discovery document names). */
  issuer: string;
  /** A token's `aud` must name one of these. */
  audiences: string[];
  keys: KeySource;
  /** NHS login only: the clients acting as the patient themself (the NHS App); any other client is an app acting for them. */
  patientClientIds?: string[];
  /** NHS login only: the trustmark its `vtm` claim must name (the vector of trust's meaning). */
  trustmark?: string;
}

export interface JwtConfig {
  issuers: IssuerConfig[];
  /** The longest a token may live (exp - iat, or exp - now without iat); default MAX_TOKEN_LIFETIME_SECONDS. */
  maxLifetimeSeconds?: number;
}

/** Each issuer grants only the roles it knows about: NHS login can never make a clinician or nhse. */
export const ROLES_BY_ISSUER = {
  'nhs-login': ['patient', 'app'],
  cis2: ['clinician'],
  staff: ['supplier', 'nhse', 'analyst', 'registration'],
} as const satisfies Record<IssuerName, readonly string[]>;

/** NHS login's trustmark for an issuer: https://auth.login.nhs.uk gives https://auth.login.nhs.uk/trustmark/auth.login.nhs.uk. */
export function nhsLoginTrustmark(issuer: string): string {
  const url = new URL(issuer);
  return `${url.origin}/trustmark/${url.host}`;
}
