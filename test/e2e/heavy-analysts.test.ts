import { insertNationalRollout } from '../helpers/national-rollout';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * A patient's first page keeps its latency while analysts send the heaviest operations the
 * limits allow, at once and without pause (finding 2 of the security issue): six analysts,
 * each a loop of ICB timelines and national timelines just under the cost limit, over a
 * national-scale rollout (6,500 practices), each asking from another day so nothing is counted
 * once for all. Three rounds of 0.5 s unloaded then 1.3 s loaded. The one timed assertion of
 * the suite: p95 under load within 5× the unloaded p95 of this same test, plus 250 ms. Every
 * patient request must succeed.
 */
const NOW = '2024-06-01T09:00:00.000Z';
const DAY = 86_400_000;
const practice = 'Y99001';
const nhsNumber = '9990001375';
const FIRST_PAGE =
  '{ me { onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { type title availableAt } } } } }';
/** Unloaded and loaded windows alternate, so both see whatever else the machine is doing then. */
const ROUNDS = 3;
const UNLOADED_MS = 500;
const LOADED_MS = 1300;
const ANALYSTS = 6;

const p95 = (latencies: number[]) => [...latencies].sort((a, b) => a - b)[Math.floor(0.95 * (latencies.length - 1))]!;

/** The heaviest analyst operations under the cost limit of 10,000, starting `shift` days further back each time. */
function heaviest(k: number): string {
  const at = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
  const shift = (k * 7) % 300;
  if (k % 2 === 0) {
    // 1 + 33 × (at + counts + 42 ICBs × 7 fields) = 9,967
    return `{ rolloutTimeline(from: "${at(32 + shift)}", to: "${at(shift)}", interval: DAY, groupBy: ICB) { at counts { key label total notScheduled scheduled enabled paused } } }`;
  }
  // 1 + 1,000 × (at + counts + 7 fields) = 9,001
  return `{ rolloutTimeline(from: "${at(999 + shift)}", to: "${at(shift)}", interval: DAY) { at counts { key label total notScheduled scheduled enabled paused } } }`;
}

describe("a patient's first page while analysts send the heaviest operations allowed", () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-05-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await insertNationalRollout(
      supergraph.subgraphs.practices.database.dataSource,
      supergraph.subgraphs.rollout.database.dataSource,
    );
    await s.createPractice(practice);
    await s.switchOn(practice);
    await s.registerPatient(practice, nhsNumber);
    s.at('2024-05-02T09:00:00.000Z');
    for (let i = 0; i < 20; i += 1) await s.addEntry(practice, nhsNumber, `Consultation ${i}`);
    s.at(NOW);
  }, 120_000);

  afterAll(() => supergraph?.stop());

  it('answers every patient request, with p95 under load within 5× its unloaded p95 + 250 ms', async () => {
    const patientToken = await s.token(Scenario.patient(nhsNumber));
    const analystToken = await s.token(Scenario.analyst);
    const read = async () => {
      const started = performance.now();
      const response = await supergraph.graphql<{ me: { record: { totalCount: number } } }>(patientToken, FIRST_PAGE);
      const ms = performance.now() - started;
      expect(response.body.errors ?? []).toEqual([]);
      expect(response.body.data?.me.record.totalCount).toBe(20);
      return ms;
    };
    // The analysts' operations are within the limits: each one alone is answered.
    for (const k of [0, 1]) {
      const alone = await supergraph.graphql(analystToken, heaviest(k));
      expect(alone.body.errors ?? []).toEqual([]);
    }
    for (let i = 0; i < 5; i += 1) await read(); // warm-up
    const readFor = async (ms: number, into: number[]) => {
      const until = performance.now() + ms;
      do into.push(await read());
      while (performance.now() < until);
    };

    let loading = false;
    let sent = 0;
    const outcomes = { answered: 0, overloaded: 0, other: 0 };
    const analyst = async () => {
      while (loading) {
        const k = (sent += 1);
        const response = await supergraph.graphql(analystToken, heaviest(k));
        const code = response.body.errors?.[0]?.extensions?.code;
        if (!code) outcomes.answered += 1;
        else if (code === 'OVERLOADED') outcomes.overloaded += 1;
        else outcomes.other += 1;
      }
    };
    const unloaded: number[] = [];
    const loaded: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await readFor(UNLOADED_MS, unloaded);
      loading = true;
      const analysts = Array.from({ length: ANALYSTS }, () => analyst());
      await readFor(LOADED_MS, loaded);
      loading = false;
      await Promise.all(analysts); // drained before the next unloaded window
    }

    const bound = 5 * p95(unloaded) + 250;
    console.log(
      `patient p95 unloaded ${p95(unloaded).toFixed(0)} ms, under load ${p95(loaded).toFixed(0)} ms (bound ${bound.toFixed(0)} ms); ` +
        `${loaded.length} patient reads; analysts: ${JSON.stringify(outcomes)}`,
    );
    expect(outcomes.answered).toBeGreaterThan(0);
    expect(outcomes.other).toBe(0);
    expect(p95(loaded)).toBeLessThanOrEqual(bound);
  }, 120_000);
});
