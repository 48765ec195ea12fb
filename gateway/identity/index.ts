/** Who is asking: tokens of the NHS's identity services, verified and mapped to a viewer (docs/identity.md). */
export { createTokenVerifier, lifetimeAcceptable, type VerifyToken } from './verifier';
export { viewerForIssuer, viewerFromClaims } from './claim-mapping';
export type { KeySetTiming } from './key-sets';
export type { IssuerConfig, IssuerName, JwtConfig, KeySource } from './issuers';
