import { TEXT_BUDGET_BYTES } from '../../subgraphs/runtime/text-budget';
import type { Viewer } from '../../platform/viewer';
import { Scenario } from '../helpers/scenario';
import { signedPost } from '../helpers/signed-request';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Records bounds the entry text one request may take, whoever asks: the gateway's cost rule
 * stops such a request first, so this goes straight to the records subgraph, signed as the
 * gateway would, where only the subgraph's own budget stands between a request and an answer
 * of any size.
 */
const practice = 'A81010';
const nhsNumber = '9990001375';
const ENTRIES = 50;
const BODY = 'x'.repeat(100_000); // the longest body an entry may have
const clinicianViewer: Viewer = { role: 'clinician', subject: 'clinician-test', odsCode: practice };
const pages = (aliases: number) =>
  `{ patient(nhsNumber: "${nhsNumber}") { ${Array.from(
    { length: aliases },
    (_, i) => `p${i}: clinicalRecord(first: ${ENTRIES}) { edges { node { body } } }`,
  ).join(' ')} } }`;

describe("records' budget of entry text per request", () => {
  let supergraph: Supergraph;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-01-15T12:00:00.000Z' });
    const s = new Scenario(supergraph);
    await s.createPractice(practice);
    await s.switchOn(practice);
    await s.registerPatient(practice, nhsNumber);
    for (let i = 0; i < ENTRIES; i += 1) {
      await s.ok(
        Scenario.clinician(practice),
        'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }',
        {
          input: { nhsNumber, type: 'CONSULTATION_NOTE', title: `Note ${i}`, body: BODY },
        },
      );
    }
  }, 120_000);
  afterAll(() => supergraph?.stop());

  const direct = (query: string) =>
    signedPost(supergraph.subgraphs.records.url, {
      secret: supergraph.secret,
      audience: 'records',
      viewer: clinicianViewer,
      body: { query },
      timestamp: supergraph.clock.now().getTime(),
    });

  it('answers a request within the budget in full', async () => {
    const answer = await direct(pages(2)); // 10 MB of bodies
    expect(answer.body.errors).toBeUndefined();
    expect(JSON.stringify(answer.body).length).toBeGreaterThan(2 * ENTRIES * BODY.length);
  });

  it('refuses with RESPONSE_TOO_LARGE once a request has taken its budget, and holds no more than it', async () => {
    const answer = await direct(pages(4)); // 20 MB of bodies asked for
    const codes = (answer.body.errors ?? []).map((error) => error.extensions?.code);
    expect(codes).toContain('RESPONSE_TOO_LARGE');
    expect(JSON.stringify(answer.body).length).toBeLessThan(TEXT_BUDGET_BYTES + 1024 * 1024);
  });
});
