import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistedQueryManifest } from '../../platform/trusted-operations';
import { postGraphQL, startSupergraph, type Supergraph } from '../helpers/supergraph';
import { Scenario, codes } from '../helpers/scenario';

/** What Apollo Client's persisted-query link posts for a document: its id alone. */
const byId = (document: string) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash: Scenario.operation(document).id } },
});

/**
 * Approved third-party apps (docs/api.md "Patients and approved apps"), through the
 * gateway: nhse approves and revokes; an app token reads `me` and the patient view only while
 * its app is approved and holds record:read, revocation biting on the very next request on
 * every gateway; and a per-app token bucket shared by every gateway process.
 */
describe('approved apps, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const ODS = 'A83001';
  const NHS = '9990001375';
  const READ = `{ me { nhsNumber record(first: 5) { totalCount edges { node { title } } } } }`;
  const APPROVE = `mutation($c: ID!, $n: String!, $s: [String!]!) { approveApp(clientId: $c, name: $n, scopes: $s) {
    clientId name scopes approvedAt revokedAt } }`;
  const REVOKE = `mutation($c: ID!) { revokeApp(clientId: $c) { clientId revokedAt } }`;
  const APPS = `{ apps { clientId name scopes approvedAt revokedAt } }`;
  const OWN = '{ me { nhsNumber } }';
  /** nhse approves an app with the operations these tests send as its trusted operations. */
  const approve = (t: Scenario, clientId: string) => t.approveApp(clientId, ['record:read'], `App ${clientId}`, [READ, OWN]);

  const reads = async (clientId: string, scope = 'record:read', url?: string) => {
    if (!url) return s.as<{ me: { record: { totalCount: number } } | null }>(Scenario.app(clientId, NHS, scope), READ);
    const token = await s.token(Scenario.app(clientId, NHS, scope));
    return postGraphQL<{ me: { record: { totalCount: number } } | null }>(url, { authorization: `Bearer ${token}` }, byId(READ));
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW, appRateLimit: { perSecond: 1000, burst: 1000 } });
    s = new Scenario(supergraph);
    s.at('2023-01-01T09:00:00.000Z');
    await s.createPractice(ODS);
    await s.switchOn(ODS);
    await s.registerPatient(ODS, NHS);
    s.at('2023-01-01T10:00:00.000Z'); // clear of the switch-on by more than the clock tolerance
    await s.addEntry(ODS, NHS, 'Blood pressure review');
    s.at(NOW);
  });
  afterAll(() => supergraph.stop());

  describe('approving and revoking (nhse)', () => {
    it('nhse approves an app; apps lists it; approving again updates it', async () => {
      expect(await s.ok(Scenario.nhse, APPROVE, { c: 'listed-app', n: 'Listed App', s: ['record:read'] })).toEqual({
        approveApp: { clientId: 'listed-app', name: 'Listed App', scopes: ['record:read'], approvedAt: NOW, revokedAt: null },
      });
      await s.ok(Scenario.nhse, APPROVE, { c: 'listed-app', n: 'Listed App 2', s: ['record:read', 'record:read'] });
      const { apps } = await s.ok<{ apps: { clientId: string; name: string; scopes: string[] }[] }>(Scenario.nhse, APPS);
      expect(apps.find((app) => app.clientId === 'listed-app')).toMatchObject({ name: 'Listed App 2', scopes: ['record:read'] });
    });

    it.each([
      ['an analyst', Scenario.analyst],
      ['a supplier', Scenario.supplier('EMIS')],
      ['a clinician', Scenario.clinician(ODS)],
      ['a patient', Scenario.patient(NHS)],
    ])('%s may neither approve, revoke nor list apps', async (_name, role) => {
      expect(codes(await s.as(role, APPROVE, { c: 'sneaky-app', n: 'Sneaky', s: ['record:read'] }))).toEqual(['FORBIDDEN']);
      expect(codes(await s.as(role, REVOKE, { c: 'listed-app' }))).toEqual(['FORBIDDEN']);
      expect(codes(await s.as(role, APPS))).toEqual(['FORBIDDEN']);
      const { apps } = await s.ok<{ apps: { clientId: string }[] }>(Scenario.nhse, APPS);
      expect(apps.map((app) => app.clientId)).not.toContain('sneaky-app');
    });

    it.each([
      [{ c: 'bad id!', n: 'App', s: ['record:read'] }, /clientId must be 1 to 100/],
      [{ c: 'x'.repeat(101), n: 'App', s: ['record:read'] }, /clientId must be 1 to 100/],
      [{ c: 'app-1', n: '  ', s: ['record:read'] }, /name must be 1 to 200/],
      [{ c: 'app-1', n: 'App', s: [] }, /at least one scope/],
      [{ c: 'app-1', n: 'App', s: ['record:write'] }, /Unknown scope; known scopes: record:read/],
    ])('refuses bad input %j and changes nothing', async (variables, message) => {
      const response = await s.as(Scenario.nhse, APPROVE, variables);
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(message);
      const { apps } = await s.ok<{ apps: { clientId: string }[] }>(Scenario.nhse, APPS);
      expect(apps.map((app) => app.clientId)).not.toContain('app-1');
    });

    it('revoking an unknown app is NOT_FOUND', async () => {
      expect(codes(await s.as(Scenario.nhse, REVOKE, { c: 'never-approved' }))).toEqual(['NOT_FOUND']);
    });
  });

  describe('an app token', () => {
    it('approve, use, revoke, use again: FORBIDDEN at once; approve again: it works again', async () => {
      await approve(s, 'lifecycle-app');
      expect((await reads('lifecycle-app')).body).toEqual({
        // An app's registered bodies carry __typename below the root, as Apollo Client's cache adds it.
        data: {
          me: {
            __typename: 'Patient',
            nhsNumber: NHS,
            record: {
              __typename: 'RecordEntryConnection',
              totalCount: 1,
              edges: [{ __typename: 'RecordEntryEdge', node: { __typename: 'RecordEntry', title: 'Blood pressure review' } }],
            },
          },
        },
      });
      await s.ok(Scenario.nhse, REVOKE, { c: 'lifecycle-app' });
      const refused = await reads('lifecycle-app');
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.body.errors![0]!.message).toBe('The app\u2019s approval has been revoked');
      expect(refused.body.data?.me ?? null).toBeNull();
      // Revoking twice changes nothing and says when it was revoked.
      expect(await s.ok(Scenario.nhse, REVOKE, { c: 'lifecycle-app' })).toEqual({
        revokeApp: { clientId: 'lifecycle-app', revokedAt: NOW },
      });
      await s.approveApp('lifecycle-app');
      expect((await reads('lifecycle-app')).body.data?.me?.record.totalCount).toBe(1);
    });

    it('revocation bites on every gateway process at once: no cache outlives it', async () => {
      await approve(s, 'two-gateways-app');
      const other = await supergraph.anotherGateway();
      expect((await reads('two-gateways-app', 'record:read', other.url)).body.data?.me?.record.totalCount).toBe(1);
      await s.ok(Scenario.nhse, REVOKE, { c: 'two-gateways-app' });
      expect(codes(await reads('two-gateways-app', 'record:read', other.url))).toEqual(['FORBIDDEN']);
      expect(codes(await reads('two-gateways-app'))).toEqual(['FORBIDDEN']);
    });

    it('an app never approved has no operations: PERSISTED_QUERY_NOT_IN_LIST', async () => {
      expect(codes(await reads('unknown-app'))).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    });

    it('a token without record:read is FORBIDDEN, even for an approved app', async () => {
      await approve(s, 'scoped-app');
      const response = await reads('scoped-app', 'record.appointments:read');
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(response.body.errors![0]!.message).toBe("The app's token lacks the record:read scope");
    });

    it.each([
      ['the clinical view', `{ me { clinicalRecord { totalCount } } }`],
      ['the access log', `{ me { accessLog { totalCount } } }`],
      ['the rollout history', `{ me { registeredPractice { rolloutHistory { kind } } } }`],
    ])('an approved app asking for %s, even as a registered operation, is FORBIDDEN', async (_name, query) => {
      await s.approveApp('curious-app', ['record:read'], 'Curious', [query]);
      const response = await s.as(Scenario.app('curious-app', NHS), query);
      expect(codes(response)).toContain('FORBIDDEN');
      expect(JSON.stringify(response.body.data ?? {})).not.toMatch(/Blood pressure/);
    });

    it.each([
      ['another patient', `query P { patient(nhsNumber: "${NHS}") { nhsNumber } }`],
      ['analytics', `query R { rolloutSummary { total } }`],
    ])('an operation for %s cannot be registered, and as a document it is not run', async (_name, query) => {
      const registering = await s.as(
        Scenario.nhse,
        `mutation($o: [TrustedOperationInput!]) {
          approveApp(clientId: "curious-app", name: "Curious", scopes: ["record:read"], operations: $o) { clientId } }`,
        { o: [Scenario.operation(query)] },
      );
      expect(codes(registering)).toEqual(['BAD_USER_INPUT']);
      const token = await s.token(Scenario.app('curious-app', NHS));
      expect(codes(await supergraph.graphql(token, query))).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    });
  });

  describe('the rate limit', () => {
    it('a burst over the limit is partly RATE_LIMITED; the allowed count is the configured burst, then the rate', async () => {
      const limited = await startSupergraph({ now: NOW, appRateLimit: { perSecond: 2, burst: 5 } });
      try {
        const t = new Scenario(limited);
        await t.createPractice(ODS);
        await t.registerPatient(ODS, NHS);
        await approve(t, 'busy-app');
        const token = await t.token(Scenario.app('busy-app', NHS));
        const other = await limited.anotherGateway();
        const burst = (n: number) =>
          Promise.all(
            Array.from({ length: n }, (_, i) =>
              postGraphQL(i % 2 ? other.url : limited.url, { authorization: `Bearer ${token}` }, byId(OWN)),
            ),
          ).then((responses) => responses.map((response) => codes(response)[0] ?? 'OK'));
        const tally = (results: string[]) =>
          results.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});

        // The clock stands still: exactly the burst gets through, across both gateways.
        expect(tally(await burst(12))).toEqual({ OK: 5, RATE_LIMITED: 7 });
        // One second later: exactly the rate's worth more.
        limited.clock.set('2024-01-15T12:00:01.000Z');
        expect(tally(await burst(6))).toEqual({ OK: 2, RATE_LIMITED: 4 });
        // Half a second: one more token.
        limited.clock.set('2024-01-15T12:00:01.500Z');
        expect(tally(await burst(3))).toEqual({ OK: 1, RATE_LIMITED: 2 });
        // Another app has a bucket of its own.
        await approve(t, 'quiet-app');
        expect(codes(await t.as(Scenario.app('quiet-app', NHS), OWN))).toEqual([]);
      } finally {
        await limited.stop();
      }
    });

    it('patients and clinicians are not rate limited as apps', async () => {
      for (let i = 0; i < 30; i += 1) expect(codes(await s.as(Scenario.patient(NHS), '{ me { nhsNumber } }'))).toEqual([]);
    });
  });

  it("the README's app token (demo-app) reads the demo patient's record in the demo world, by its ready operation", async () => {
    const demo = await startSupergraph({ now: NOW, demoData: true });
    const manifest = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'app', 'persisted-query-manifest.json'), 'utf8'),
    ) as PersistedQueryManifest;
    const firstPage = manifest.operations.find((operation) => operation.name === 'AppRecordFirstPage')!;
    try {
      const response = await new Scenario(demo).byId(Scenario.app('demo-app', '9990001375'), firstPage.id);
      expect(codes(response)).toEqual([]);
      expect((response.body.data as { me: { record: { totalCount: number } } }).me.record.totalCount).toBeGreaterThan(0);
    } finally {
      await demo.stop();
    }
  });
});
