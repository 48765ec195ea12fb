import { join } from 'node:path';
import { signDevToken } from '../../gateway/dev-keys';
import { DEV_AUDIENCE, DEV_ISSUERS, discoveredDevJwtConfig } from '../../gateway/identity/dev-issuers';
import { startGateway } from '../../gateway/server';
import { claimsFor } from '../../gateway/token-claims';
import { silentLogger } from '../../platform/logger';
import { Scenario, codes } from '../helpers/scenario';
import { spawnService, type ServiceProcess } from '../helpers/service-process';
import { postGraphQL, startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Identity as the NHS issues it (docs/identity.md), through the running gateway: a token of
 * each issuer's shape reaches the subgraphs as the right viewer; a token from an unknown
 * issuer, signed by another issuer's key, for another audience, in the old single-issuer shape
 * or without a CIS2 selected role is refused with 401 before anything reaches a subgraph.
 */
describe('tokens of NHS login, CIS2 and the staff issuer, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const ODS = 'A83001';
  const NHS = '9990001375';
  const ME = '{ me { nhsNumber record(first: 5) { totalCount edges { node { title } } } } }';
  const PREVIEW = `{ patient(nhsNumber: "${NHS}") { clinicalRecord(first: 5) { edges { node { title visibleToPatient } } } } }`;
  const keysPath = () => join(supergraph.dataDir, 'dev-jwt-keys.json');
  const send = (token: string, query: string) => supergraph.graphql(token, query);
  const refused = async (token: string) => {
    const { response, reached } = await supergraph.reachedDuring(() => send(token, ME));
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(reached).toEqual({});
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW });
    s = new Scenario(supergraph);
    s.at('2023-01-01T09:00:00.000Z');
    await s.createPractice(ODS);
    await s.switchOn(ODS);
    await s.registerPatient(ODS, NHS);
    s.at('2023-01-01T10:00:00.000Z');
    await s.addEntry(ODS, NHS, 'Blood pressure review');
    s.at(NOW);
  });
  afterAll(() => supergraph?.stop());

  it('an NHS login token (P9, the NHS App) reads the patient view', async () => {
    const token = await supergraph.token(Scenario.patient(NHS));
    const response = await send(token, ME);
    expect(response.body).toEqual({
      data: { me: { nhsNumber: NHS, record: { totalCount: 1, edges: [{ node: { title: 'Blood pressure review' } }] } } },
    });
  });

  it('an NHS login token at P5 is the patient at P5, whom the P9 rule refuses', async () => {
    const response = await send(await supergraph.token(Scenario.patient(NHS, 'P5')), ME);
    expect(codes(response)).toEqual(['FORBIDDEN']);
  });

  it("a CIS2 token reads the clinical preview of its selected role's practice", async () => {
    const response = await send(await supergraph.token(Scenario.clinician(ODS)), PREVIEW);
    expect(response.body).toEqual({
      data: { patient: { clinicalRecord: { edges: [{ node: { title: 'Blood pressure review', visibleToPatient: true } }] } } },
    });
  });

  it('a staff token with the NHSE role reads the approved apps', async () => {
    const response = await send(await supergraph.token(Scenario.nhse), '{ apps { clientId } }');
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ apps: expect.any(Array) });
  });

  it('refuses a token from an issuer the gateway does not know', async () => {
    await refused(await signDevToken(keysPath(), claimsFor(Scenario.patient(NHS)), { issuer: 'https://auth.login.example' }));
  });

  it("refuses a token signed with another issuer's key", async () => {
    await refused(await signDevToken(keysPath(), claimsFor(Scenario.patient(NHS)), { signAs: 'staff' }));
    await refused(await signDevToken(keysPath(), claimsFor(Scenario.nhse), { signAs: 'nhs-login' }));
  });

  it('refuses a token for another audience', async () => {
    await refused(await signDevToken(keysPath(), claimsFor(Scenario.patient(NHS)), { audience: 'urn:another-api' }));
  });

  it('refuses a CIS2 token without a selected role, and one whose selected role is not listed', async () => {
    const { selected_roleid: _selected, ...unselected } = claimsFor(Scenario.clinician(ODS));
    await refused(await signDevToken(keysPath(), unselected));
    await refused(await signDevToken(keysPath(), { ...claimsFor(Scenario.clinician(ODS)), selected_roleid: '999999999999' }));
  });

  it('refuses tokens in the old shape (a role claim), and a patient or nhse claimed from the wrong issuer', async () => {
    const old = { sub: 'old', aud: DEV_AUDIENCE };
    await refused(await signDevToken(keysPath(), { ...old, iss: DEV_ISSUERS.staff, role: 'nhse' }));
    await refused(
      await signDevToken(keysPath(), {
        ...old,
        iss: DEV_ISSUERS['nhs-login'],
        role: 'patient',
        nhs_number: NHS,
        identity_proofing_level: 'P9',
      }),
    );
    await refused(await signDevToken(keysPath(), { ...claimsFor(Scenario.nhse), iss: DEV_ISSUERS['nhs-login'] }));
    await refused(await signDevToken(keysPath(), { ...claimsFor(Scenario.patient(NHS)), iss: DEV_ISSUERS.cis2 }));
  });

  describe("with the keys fetched from the local identity provider's discovery documents", () => {
    let provider: ServiceProcess;
    let gateway: Awaited<ReturnType<typeof startGateway>>;

    beforeAll(async () => {
      await supergraph.token(Scenario.nhse); // the keys exist before the provider publishes them
      provider = await spawnService({
        name: 'identity-provider',
        entry: 'identity-provider/main.ts',
        env: { ...process.env, DATA_DIR: supergraph.dataDir, IDENTITY_PROVIDER_PORT: '0', LOG_LEVEL: 'warn' },
      });
      gateway = await startGateway(
        {
          host: '127.0.0.1',
          port: 0,
          supergraphPath: join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
          subgraphUrls: {
            practices: supergraph.subgraphs.practices.url,
            rollout: supergraph.subgraphs.rollout.url,
            records: supergraph.subgraphs.records.url,
          },
          signingSecret: supergraph.secret,
          subgraphTimeoutMs: 5000,
          maxBodyBytes: 1024 * 1024,
          jwt: discoveredDevJwtConfig(provider.url),
          logLevel: 'silent',
          readinessIntervalMs: 60_000,
        },
        { clock: supergraph.clock, logger: silentLogger() },
      );
    }, 60_000);
    afterAll(async () => {
      await gateway?.stop();
      await provider?.stop();
    });

    it('accepts a token of each issuer and refuses a forged one, as in production', async () => {
      const ask = async (token: string, query: string) =>
        postGraphQL<Record<string, unknown>>(gateway.url, { authorization: `Bearer ${token}` }, { query });
      const patient = await ask(await supergraph.token(Scenario.patient(NHS)), ME);
      expect(patient.body.data).toMatchObject({ me: { nhsNumber: NHS } });
      const clinician = await ask(await supergraph.token(Scenario.clinician(ODS)), PREVIEW);
      expect(clinician.body.errors).toBeUndefined();
      const nhse = await ask(await supergraph.token(Scenario.nhse), '{ apps { clientId } }');
      expect(nhse.body.errors).toBeUndefined();
      const forged = await ask(await signDevToken(keysPath(), claimsFor(Scenario.patient(NHS)), { signAs: 'cis2' }), ME);
      expect(forged.status).toBe(401);
    });
  });
});
