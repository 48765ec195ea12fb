import { claimsFor } from '../../gateway/token-claims';
import { viewerFromClaims } from '../../gateway/identity';
import type { SubgraphName } from '../../platform/config';
import { probeHeaders, signedHeaders, VIEWER_HEADER } from '../../platform/request-signature';
import { encodeViewer } from '../../platform/viewer';
import { SUBGRAPH_MAX_BODY_BYTES } from '../../subgraphs/runtime/subgraph-server';
import { postHuge } from '../helpers/huge-body';
import { codes, Scenario } from '../helpers/scenario';
import { postGraphQL, startSupergraph, type Supergraph } from '../helpers/supergraph';

const MB = 1024 * 1024;
const practice = 'A81001';
const patient = '9990001375';
const ADD_ENTRY = 'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }';

describe("a subgraph's signed edge", () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const clinician = encodeViewer(viewerFromClaims(claimsFor(Scenario.clinician(practice)))!);

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2022-10-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'EMIS');
    await s.registerPatient(practice, patient, '1980-04-12');
    await s.schedule(practice, '2022-11-01T00:00:00.000Z');
    s.at('2022-11-02T09:00:00.000Z');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  const signedFor = (audience: SubgraphName, body: string, path = '/graphql') => ({
    'content-type': 'application/json',
    ...signedHeaders(supergraph.secret, { audience, path, viewer: clinician, body, at: supergraph.clock.now() }),
  });
  const entryBody = (title: string) =>
    JSON.stringify({
      query: ADD_ENTRY,
      variables: { input: { nhsNumber: patient, type: 'CONSULTATION_NOTE', title, body: 'b' } },
    });

  describe('finding 5: refused before the body is read, and bodies capped', () => {
    it.each<[string, () => Record<string, string>]>([
      ['unsigned', () => ({ 'content-type': 'application/json' })],
      [
        'with a stale-looking, malformed timestamp',
        () => ({ ...signedFor('records', '{}'), 'x-citizen-access-timestamp': 'yesterday' }),
      ],
      ['with a forged signature', () => ({ ...signedFor('records', '{}'), 'x-citizen-access-signature': 'A'.repeat(43) })],
    ])('a 19 MB body %s: 401 while the client is still sending, the server having read under 1 MB', async (_case, headers) => {
      const answer = await postHuge(supergraph.subgraphs.records.url, headers(), 19 * MB);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({
        errors: [{ message: 'Requests are accepted from the gateway only', extensions: { code: 'UNAUTHENTICATED' } }],
      });
      expect(answer.serverRead).toBeGreaterThan(0);
      expect(answer.serverRead).toBeLessThan(MB);
      expect(answer.sentBeforeAnswer).toBeLessThan(19 * MB);
    });

    it('a signed body over the cap (4 MB) is 413, and the subgraph still serves', async () => {
      const huge = JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(SUBGRAPH_MAX_BODY_BYTES) });
      const answer = await postHuge(supergraph.subgraphs.records.url, signedFor('records', huge), Buffer.byteLength(huge));
      expect(answer.status).toBe(413);
      const body = JSON.stringify({ query: '{ __typename }' });
      expect((await postGraphQL(supergraph.subgraphs.records.url, signedFor('records', body), body)).status).toBe(200);
    });

    it('authentic headers with a different body than the one signed: 401, nothing written', async () => {
      const headers = signedFor('records', entryBody('signed'));
      const response = await postGraphQL(supergraph.subgraphs.records.url, headers, entryBody('swapped'));
      expect(response.status).toBe(401);
      expect((await s.patientSees(patient)).titles).not.toContain('swapped');
    });
  });

  describe('finding 6: each signature once, for its own subgraph and path', () => {
    it('a signed addRecordEntry sent three times makes one entry; the repeats are 401', async () => {
      const body = entryBody('sent once');
      const headers = signedFor('records', body);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await postGraphQL<{ addRecordEntry: { id: string } }>(supergraph.subgraphs.records.url, headers, body);
        statuses.push(response.status);
        if (i > 0) expect(codes(response)).toEqual(['UNAUTHENTICATED']);
      }
      expect(statuses).toEqual([200, 401, 401]);
      expect((await s.patientSees(patient)).titles.filter((title) => title === 'sent once')).toHaveLength(1);
    });

    it('a request signed for records is refused by practices and rollout, then still served once by records', async () => {
      const body = entryBody('meant for records');
      const headers = signedFor('records', body);
      for (const other of ['practices', 'rollout'] as const) {
        const response = await postGraphQL(supergraph.subgraphs[other].url, headers, body);
        expect(response.status).toBe(401);
        expect(codes(response)).toEqual(['UNAUTHENTICATED']);
      }
      expect((await postGraphQL(supergraph.subgraphs.records.url, headers, body)).status).toBe(200);
    });

    it('a request signed for another path, or a readiness probe, is refused on /graphql', async () => {
      const body = entryBody('other path');
      const elsewhere = await postGraphQL(supergraph.subgraphs.records.url, signedFor('records', body, '/other'), body);
      expect(elsewhere.status).toBe(401);
      const probe = probeHeaders(supergraph.secret, 'records', supergraph.clock.now());
      const asProbe = await postGraphQL(
        supergraph.subgraphs.records.url,
        { ...probe, [VIEWER_HEADER]: clinician, 'content-type': 'application/json' },
        '',
      );
      expect(asProbe.status).toBe(401);
      expect((await s.patientSees(patient)).titles).not.toContain('other path');
    });

    it('the gateway itself is unaffected: entries added through it, each once', async () => {
      await s.addEntry(practice, patient, 'through the gateway');
      await s.addEntry(practice, patient, 'through the gateway');
      expect((await s.patientSees(patient)).titles.filter((title) => title === 'through the gateway')).toHaveLength(2);
    });
  });
});
