import type { Fault } from '../helpers/fault-proxy';
import { codes, oneEntryWorld, Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Faults on the gateway's calls to its subgraphs, injected for real between them: a query is
 * retried once after no answer or a 502/503/504, a mutation never; a subgraph that keeps
 * failing is cut off by its circuit breaker and tried again later; and the patient view fails
 * closed whatever fails at each hop (down, slow, erroring, answering nonsense).
 */
const NOW = '2024-01-15T12:00:00.000Z';
const ODS = 'A85001';
const NHS = '9990001375';
const RECORD = '{ me { record { edges { node { title } } } } }';

const world = (supergraph: Supergraph): Promise<Scenario> =>
  oneEntryWorld(supergraph, { odsCode: ODS, nhsNumber: NHS, title: 'Visible entry', now: NOW });

describe('faults between the gateway and its subgraphs', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({
      now: NOW,
      faultProxies: ['practices', 'rollout', 'records'],
      subgraphTimeoutMs: 400,
      // A threshold no test here reaches: the breaker has its own test below.
      subgraphCalls: { retries: 1, breaker: { failureThreshold: 1000, openMs: 10_000 } },
    });
    s = await world(supergraph);
  });
  afterAll(() => supergraph.stop());
  afterEach(() => {
    for (const proxy of Object.values(supergraph.faults)) proxy.set({ kind: 'pass' });
  });

  it('a query that meets one 503 is sent again, once, and answers in full', async () => {
    const rollout = supergraph.faults.rollout!;
    rollout.failNext(1, { kind: 'status', status: 503 });
    const before = rollout.received;
    expect((await s.patientSees(NHS)).titles).toEqual(['Visible entry']);
    expect(rollout.received - before).toBe(2);
  });

  it('a query whose connection drops is sent again too', async () => {
    const records = supergraph.faults.records!;
    records.failNext(1, { kind: 'drop' });
    const before = records.received;
    expect((await s.patientSees(NHS)).titles).toEqual(['Visible entry']);
    expect(records.received - before).toBe(3); // me, dropped and sent again; then the page
  });

  it('a mutation is never sent twice: one 503, one attempt, SERVICE_UNAVAILABLE, and nothing written', async () => {
    const records = supergraph.faults.records!;
    records.failNext(1, { kind: 'status', status: 503 });
    const before = records.received;
    const response = await s.as(
      Scenario.clinician(ODS),
      `mutation { addRecordEntry(input: { nhsNumber: "${NHS}", type: CONSULTATION_NOTE, title: "Sent once", body: "b" }) { id } }`,
    );
    expect(records.received - before).toBe(1);
    expect(codes(response)).toEqual(['SERVICE_UNAVAILABLE']);
    const { patient } = await s.ok<{ patient: { clinicalRecord: { edges: { node: { title: string } }[] } } }>(
      Scenario.clinician(ODS),
      `{ patient(nhsNumber: "${NHS}") { clinicalRecord { edges { node { title } } } } }`,
    );
    expect(patient.clinicalRecord.edges.map((edge) => edge.node.title)).not.toContain('Sent once');
  });

  // What the client is told: a hop that is down, cut or too slow passes with time (SERVICE_UNAVAILABLE,
  // and nothing else); one that errs or answers nonsense is a fault (INTERNAL_SERVER_ERROR among the errors).
  const AGAIN = 'SERVICE_UNAVAILABLE';
  const FAULT = 'INTERNAL_SERVER_ERROR';
  const FAULTS: [string, Fault, typeof AGAIN | typeof FAULT][] = [
    ['down (503 every time)', { kind: 'status', status: 503 }, AGAIN],
    ['erroring (500)', { kind: 'status', status: 500 }, FAULT],
    ['dropping the connection', { kind: 'drop' }, AGAIN],
    ['slow (beyond the call timeout)', { kind: 'delay', ms: 1000 }, AGAIN],
    ['answering something that is not JSON', { kind: 'nonsense', body: '<html>oops</html>' }, FAULT],
    ['answering no data', { kind: 'nonsense', body: '{"data":null}' }, FAULT],
    ['answering an empty entity list', { kind: 'nonsense', body: '{"data":{"_entities":[]}}' }, FAULT],
    [
      'answering an unknown status',
      { kind: 'nonsense', body: '{"data":{"_entities":[{"accessStatus":"SOMETIMES","accessPeriods":[]}]}}' },
      FAULT,
    ],
    [
      'answering access periods that are not dates',
      {
        kind: 'nonsense',
        body: '{"data":{"_entities":[{"accessStatus":"ENABLED","accessPeriods":[{"from":"yesterday","to":null}]}]}}',
      },
      FAULT,
    ],
  ];

  const expectTold = (response: Awaited<ReturnType<Scenario['as']>>, code: typeof AGAIN | typeof FAULT) => {
    if (code === AGAIN) expect(new Set(codes(response))).toEqual(new Set([AGAIN]));
    else expect(codes(response)).toContain(FAULT);
  };

  describe('the rollout hop', () => {
    it.each(FAULTS)('%s: the patient view shows nothing and says so (%#)', async (_name, fault, code) => {
      supergraph.faults.rollout!.set(fault);
      const response = await s.as(Scenario.patient(NHS), RECORD);
      expect(response.body.errors?.length).toBeGreaterThan(0);
      expectTold(response, code);
      expect(JSON.stringify(response.body)).not.toContain('Visible entry');
      expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|ECONN|fault injected|oops|rollout|practices/);
      supergraph.faults.rollout!.set({ kind: 'pass' });
      expect((await s.patientSees(NHS)).titles).toEqual(['Visible entry']);
    });
  });

  // The patient view does not go through the practices subgraph (rollout vouches for the
  // practice from its directory): what fails there is what comes from there, the practice's name.
  describe('the practices hop', () => {
    it.each(FAULTS)('%s: the patient view is not on it; the practice’s name fails, closed (%#)', async (_name, fault, code) => {
      await s.patientSees(NHS);
      supergraph.faults.practices!.set(fault);
      const before = supergraph.faults.practices!.received;
      expect((await s.patientSees(NHS)).titles).toEqual(['Visible entry']);
      expect(supergraph.faults.practices!.received - before).toBe(0);
      const named = await s.as(Scenario.patient(NHS), '{ me { registeredPractice { name } } }');
      // An answer without the name and without an error too: the gateway's own report of it
      // (extensions.valueCompletion) becomes the error it is (value-completion.ts).
      expectTold(named, code);
      expect(JSON.stringify(named.body)).not.toMatch(/valueCompletion|Cannot return null/);
      expect(JSON.stringify(named.body)).not.toMatch(/127\.0\.0\.1|ECONN|fault injected|oops|rollout|practices/);
    });
  });
});

describe('the circuit breaker', () => {
  it('cuts off a subgraph that keeps failing, fails fast while open, and tries again after openMs', async () => {
    const supergraph = await startSupergraph({
      now: NOW,
      faultProxies: ['rollout'],
      subgraphCalls: { retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } },
    });
    try {
      const s = await world(supergraph);
      const rollout = supergraph.faults.rollout!;
      rollout.set({ kind: 'status', status: 503 });
      for (let i = 0; i < 3; i += 1) expect(codes(await s.as(Scenario.patient(NHS), RECORD)).length).toBeGreaterThan(0);
      const reached = rollout.received;
      // Open: the request fails without reaching the subgraph, and the client is told to try again.
      const fast = await s.as(Scenario.patient(NHS), RECORD);
      expect(new Set(codes(fast))).toEqual(new Set(['SERVICE_UNAVAILABLE']));
      expect(JSON.stringify(fast.body)).not.toContain('Visible entry');
      expect(rollout.received).toBe(reached);
      // The subgraph recovers, but the circuit stays open until openMs has passed...
      rollout.set({ kind: 'pass' });
      supergraph.clock.set('2024-01-15T12:00:09.999Z');
      expect(codes(await s.as(Scenario.patient(NHS), RECORD)).length).toBeGreaterThan(0);
      expect(rollout.received).toBe(reached);
      // ...then one trial goes out, succeeds, and closes it.
      supergraph.clock.set('2024-01-15T12:00:10.000Z');
      expect((await s.patientSees(NHS)).titles).toEqual(['Visible entry']);
      expect(rollout.received).toBe(reached + 1);
      expect((await s.patientSees(NHS)).titles).toEqual(['Visible entry']);
    } finally {
      await supergraph.stop();
    }
  });
});
