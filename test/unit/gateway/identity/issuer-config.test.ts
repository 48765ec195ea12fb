import { loadGatewayConfig } from '../../../../gateway/config';
import { DEV_ISSUERS } from '../../../../gateway/identity/dev-issuers';

const PRODUCTION = {
  NODE_ENV: 'production',
  SUBGRAPH_SIGNING_SECRET: 'a-deployment-secret-of-at-least-32-characters',
  NHS_LOGIN_ISSUER: 'https://auth.login.nhs.uk',
  NHS_LOGIN_AUDIENCE: 'urn:citizen-access:gateway',
  NHS_LOGIN_PATIENT_CLIENT_IDS: 'nhs-app, nhs-app-web',
  CIS2_ISSUER: 'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc',
  CIS2_AUDIENCE: 'urn:citizen-access:gateway',
  STAFF_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  STAFF_AUDIENCE: 'api://citizen-access,urn:citizen-access:gateway',
  STAFF_JWKS_URL: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys',
};
const without = (env: Record<string, string>, key: string) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => name !== key));

describe("the gateway's issuers configuration", () => {
  it('in production: three issuers from the environment, keys from discovery unless a JWKS URL is given', () => {
    const { jwt } = loadGatewayConfig(PRODUCTION);
    expect(jwt.issuers).toEqual([
      {
        name: 'nhs-login',
        issuer: 'https://auth.login.nhs.uk',
        audiences: ['urn:citizen-access:gateway'],
        keys: { kind: 'discovery', url: 'https://auth.login.nhs.uk/.well-known/openid-configuration' },
        patientClientIds: ['nhs-app', 'nhs-app-web'],
        trustmark: 'https://auth.login.nhs.uk/trustmark/auth.login.nhs.uk',
      },
      {
        name: 'cis2',
        issuer: PRODUCTION.CIS2_ISSUER,
        audiences: ['urn:citizen-access:gateway'],
        keys: { kind: 'discovery', url: `${PRODUCTION.CIS2_ISSUER}/.well-known/openid-configuration` },
      },
      {
        name: 'staff',
        issuer: PRODUCTION.STAFF_ISSUER,
        audiences: ['api://citizen-access', 'urn:citizen-access:gateway'],
        keys: { kind: 'jwks', url: PRODUCTION.STAFF_JWKS_URL },
      },
    ]);
  });

  it.each([
    ['NHS_LOGIN_ISSUER', /NHS_LOGIN_ISSUER: required in production/],
    ['CIS2_ISSUER', /CIS2_ISSUER: required in production/],
    ['STAFF_ISSUER', /STAFF_ISSUER: required in production/],
    ['CIS2_AUDIENCE', /CIS2_AUDIENCE: required with CIS2_ISSUER/],
    ['NHS_LOGIN_PATIENT_CLIENT_IDS', /NHS_LOGIN_PATIENT_CLIENT_IDS: required/],
  ])('in production refuses to start without %s, naming it', (key, message) => {
    expect(() => loadGatewayConfig(without(PRODUCTION, key))).toThrow(message);
  });

  it('refuses a JWKS URL and a discovery URL for one issuer, an audience list of commas, and the retired JWT_* variables', () => {
    expect(() =>
      loadGatewayConfig({ ...PRODUCTION, STAFF_DISCOVERY_URL: 'https://elsewhere.example/.well-known/openid-configuration' }),
    ).toThrow(/STAFF_JWKS_URL, STAFF_DISCOVERY_URL: give one of them/);
    expect(() => loadGatewayConfig({ ...PRODUCTION, CIS2_AUDIENCE: ' , ' })).toThrow(/CIS2_AUDIENCE: at least one value/);
    expect(() => loadGatewayConfig({ ...PRODUCTION, JWT_JWKS_URL: 'https://login.example/jwks' })).toThrow(
      /JWT_JWKS_URL: no longer read/,
    );
  });

  it("in development: the local identity provider's three issuers, through its discovery documents", () => {
    const { jwt } = loadGatewayConfig({ IDENTITY_PROVIDER_URL: 'http://127.0.0.1:45678' });
    expect(jwt.issuers.map((issuer) => [issuer.issuer, issuer.keys])).toEqual([
      [DEV_ISSUERS['nhs-login'], { kind: 'discovery', url: 'http://127.0.0.1:45678/nhs-login/.well-known/openid-configuration' }],
      [DEV_ISSUERS.cis2, { kind: 'discovery', url: 'http://127.0.0.1:45678/cis2/.well-known/openid-configuration' }],
      [DEV_ISSUERS.staff, { kind: 'discovery', url: 'http://127.0.0.1:45678/staff/.well-known/openid-configuration' }],
    ]);
  });
});
