import { ANSWER_TOO_LARGE_MESSAGE } from '../../gateway/answer-size';
import { BULKHEAD_LIMITS } from '../../gateway/bulkheads';
import { eventually } from '../helpers/eventually';
import { expectOverloaded, Scenario } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * The bounds on what one request may take (findings 2 and 3 of the security issue), through
 * the gateway over real HTTP: an answer over its bound is refused whole, with no partial data;
 * a share of the gateway that is full answers OVERLOADED; and analysts' failed calls to a
 * subgraph never open the circuit for patients' calls to it. The bounds are lowered here so a
 * few entries reach them.
 */
const practice = 'A81010';
const nhsNumber = '9990001375';
const clinician = Scenario.clinician(practice);
const patient = Scenario.patient(nhsNumber);
const BODY = 'x'.repeat(30_000);
const CLINICAL_PAGE = (n: number) =>
  `{ patient(nhsNumber: "${nhsNumber}") { nhsNumber clinicalRecord(first: ${n}) { edges { node { title body } } } } }`;
const FIRST_PAGE = '{ me { onlineAccess { state } record(first: 2) { totalCount edges { node { title body } } } } }';

async function withEntries(supergraph: Supergraph): Promise<Scenario> {
  const s = new Scenario(supergraph);
  await s.createPractice(practice);
  await s.switchOn(practice);
  await s.registerPatient(practice, nhsNumber);
  s.at('2024-01-15T13:00:00.000Z'); // well after the switch-on, so the patient sees the entries
  for (let i = 0; i < 5; i += 1) {
    await s.ok(clinician, 'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }', {
      input: { nhsNumber, type: 'CONSULTATION_NOTE', title: `Note ${i}`, body: BODY },
    });
  }
  return s;
}

const refusedWhole = (response: GraphQLResponse) => {
  expect(response.status).toBe(400);
  expect(response.body).toEqual({
    errors: [{ message: ANSWER_TOO_LARGE_MESSAGE, extensions: { code: 'RESPONSE_TOO_LARGE', requestId: response.requestId } }],
  });
};

describe("a subgraph's answer over its bound", () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({
      now: '2024-01-15T12:00:00.000Z',
      answerLimits: { subgraphResponseBytes: 100_000, responseBytes: 16 * 1024 * 1024 },
    });
    s = await withEntries(supergraph);
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('is cut while it is read and refused whole: RESPONSE_TOO_LARGE (400), no data', async () => {
    refusedWhole(await s.as(clinician, CLINICAL_PAGE(5)));
  });

  it('leaves the subgraph usable: after many refusals the clinician and the patient still read', async () => {
    for (let i = 0; i < 8; i += 1) refusedWhole(await s.as(clinician, CLINICAL_PAGE(5)));
    const page = await s.as(clinician, CLINICAL_PAGE(2));
    expect(page.body.errors ?? []).toEqual([]);
    const mine = await s.as<{ me: { record: { totalCount: number } } }>(patient, FIRST_PAGE);
    expect(mine.body.errors ?? []).toEqual([]);
    expect(mine.body.data?.me.record.totalCount).toBe(5);
  });
});

describe('the whole answer over its bound, full shares and open circuits', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({
      now: '2024-01-15T12:00:00.000Z',
      answerLimits: { subgraphResponseBytes: 16 * 1024 * 1024, responseBytes: 100_000 },
      // Both of the analysts' lanes (light and heavy, decision 0092) hold one operation and queue none.
      bulkheads: {
        ...BULKHEAD_LIMITS,
        analytics: { concurrent: 1, queued: 0, waitMs: 5000 },
        analyticsLight: { ...BULKHEAD_LIMITS.analyticsLight, concurrent: 1, queued: 0 },
      },
      faultProxies: ['rollout'],
    });
    s = await withEntries(supergraph);
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('an answer over the bound is refused whole: RESPONSE_TOO_LARGE (400), no data', async () => {
    refusedWhole(await s.as(clinician, CLINICAL_PAGE(5)));
    const smaller = await s.as(clinician, CLINICAL_PAGE(2));
    expect(smaller.body.errors ?? []).toEqual([]);
  });

  it("when the analysts' share is full, another analyst gets OVERLOADED (503, Retry-After) and a patient is served", async () => {
    const rollout = supergraph.faults.rollout!;
    const before = rollout.received;
    rollout.failNext(1, { kind: 'delay', ms: 4000 });
    const held = s.as(Scenario.analyst, '{ rolloutSummary { key total } }');
    await eventually(async () => rollout.received > before, 10_000, 10);

    const token = await s.token(Scenario.analyst);
    const refused = await fetch(supergraph.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ rolloutSummary { key total } }' }),
    });
    await expectOverloaded(refused);

    const mine = await s.as(patient, '{ me { nhsNumber } }');
    expect(mine.body).toEqual({ data: { me: { nhsNumber } } });
    expect((await held).body.errors ?? []).toEqual([]);
  });

  it("analysts' failed calls to rollout do not open its circuit for a patient's first page", async () => {
    const rollout = supergraph.faults.rollout!;
    // Every analyst call and its retry dropped: more consecutive failures than open a circuit.
    rollout.failNext(12, { kind: 'drop' });
    for (let i = 0; i < 6; i += 1) {
      const failed = await s.as(Scenario.analyst, '{ rolloutSummary { key total } }');
      expect(failed.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    rollout.set({ kind: 'pass' });
    const mine = await s.as<{ me: { onlineAccess: { state: string }; record: { totalCount: number } } }>(
      patient,
      '{ me { onlineAccess { state } record(first: 20) { totalCount } } }',
    );
    expect(mine.body.errors ?? []).toEqual([]);
    expect(mine.body.data?.me.record.totalCount).toBe(5);
  });
});
