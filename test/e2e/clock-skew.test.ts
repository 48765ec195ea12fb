import { Writable } from 'node:stream';
import pino from 'pino';
import { DEFAULT_MAX_CLOCK_SKEW_MS } from '../../subgraphs/runtime/clock-skew';
import type { SubgraphName } from '../../platform/config';
import { eventually, readiness, readinessBecomes } from '../helpers/eventually';
import { codes, Scenario } from '../helpers/scenario';
import { signedPost } from '../helpers/signed-request';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

const FIVE_MINUTES = 5 * 60_000;
const LIMIT_MS = DEFAULT_MAX_CLOCK_SKEW_MS;
const practice = 'A81001';
const patient = '9990001375';
const READ = '{ me { record { totalCount edges { node { id } } } onlineAccess { state } } }';
const SUBGRAPHS: SubgraphName[] = ['practices', 'rollout', 'records'];

type Service = SubgraphName | 'gateway';

/** A supergraph whose services log errors and warnings into `lines`, with a patient who has one visible entry. */
async function patientWithAnEntry(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const supergraph = await startSupergraph({
    readinessIntervalMs: 200,
    now: '2022-10-01T09:00:00.000Z',
    logger: pino({ level: 'warn' }, sink),
    // The gateway's circuit breaker runs on its clock, which stands still here: once open it would
    // never half-open. The refusals are what this file looks at, so the circuit stays closed.
    subgraphCalls: { retries: 1, breaker: { failureThreshold: 1000, openMs: 10_000 } },
  });
  const s = new Scenario(supergraph);
  await s.createPractice(practice, 'EMIS');
  await s.registerPatient(practice, patient, '1980-04-12');
  await s.schedule(practice, '2022-11-01T00:00:00.000Z');
  s.at('2022-11-02T09:00:00.000Z');
  const entryId = await s.addEntry(practice, patient, 'seen while the clocks agree');
  return { supergraph, s, entryId };
}

/**
 * Each service's clock in turn put five minutes behind and ahead of the others. A subgraph
 * whose clock disagrees with the gateway's by more than the limit fails closed: it refuses
 * requests, /readyz says why (and the gateway's /readyz passes that on), and it logs the
 * change once. The gateway's own clock being off puts every subgraph off against it.
 */
describe.each<Service>(['gateway', 'practices', 'rollout', 'records'])('the %s clock off', (service) => {
  const lines: Record<string, unknown>[] = [];
  let supergraph: Supergraph;
  let s: Scenario;
  let entryId: string;
  const off = service === 'gateway' ? SUBGRAPHS : [service];
  // The patient's view needs records and rollout; rollout answers it from the practice membership it
  // already holds (practice-directory.ts), so a practices subgraph that is off does not stop it.
  const viewNeedsIt = service !== 'practices';
  const forThePatient = viewNeedsIt ? 'no entry for the patient, an error' : 'the patient still sees the entry';

  const sees = async () => {
    const read = await s.as(Scenario.patient(patient), READ);
    return { read, shown: JSON.stringify(read.body).includes(entryId) };
  };

  beforeAll(async () => {
    ({ supergraph, s, entryId } = await patientWithAnEntry(lines));
  }, 60_000);
  afterAll(() => supergraph?.stop());
  afterEach(() => supergraph.skewClock(service, 0));

  it('agreeing with the others, the patient sees the entry and every service is ready (so the refusals below can fail)', async () => {
    expect((await sees()).shown).toBe(true);
    expect(await readinessBecomes(supergraph.url, 200)).toEqual({
      status: 200,
      body: expect.objectContaining({ ready: true, subgraphs: { practices: true, rollout: true, records: true }, reasons: {} }),
    });
  });

  it.each([
    ['behind', -FIVE_MINUTES],
    ['ahead', FIVE_MINUTES],
  ])(`five minutes %s: ${forThePatient}; not ready, the measured skew given as the reason; logged once`, async (_way, offset) => {
    lines.length = 0;
    supergraph.skewClock(service, offset);

    const [first, second] = [await sees(), await sees()];
    for (const { read, shown } of [first, second]) {
      expect(shown).toBe(!viewNeedsIt);
      // The subgraph refuses with 503 until the clocks agree: the client is told to try again later.
      if (viewNeedsIt) expect(new Set(codes(read))).toEqual(new Set(['SERVICE_UNAVAILABLE']));
    }

    // Measured from the subgraph's side: its clock minus the gateway's.
    const clock = {
      ok: false,
      skewMs: service === 'gateway' ? -offset : offset,
      limitMs: LIMIT_MS,
      reason: expect.stringMatching(/^clock skew: /),
    };
    const reasons = Object.fromEntries(off.map((name) => [name, { status: 503, database: true, clock }]));
    await readinessBecomes(supergraph.url, 503);
    for (let probe = 0; probe < 2; probe += 1) {
      expect(await readiness(supergraph.url)).toEqual({
        status: 503,
        body: expect.objectContaining({
          ready: false,
          subgraphs: Object.fromEntries(SUBGRAPHS.map((name) => [name, !off.includes(name)])),
          reasons,
        }),
      });
    }
    for (const name of off) {
      expect(await readiness(supergraph.subgraphs[name].url)).toEqual({
        status: 503,
        body: expect.objectContaining({ service: name, ready: false, database: true, clock }),
      });
    }
    const errors = lines.filter((line) => line.level === 50 && 'skewMs' in line);
    expect(errors).toEqual(off.map(() => expect.objectContaining({ skewMs: clock.skewMs, limitMs: LIMIT_MS })));
    expect(errors.map((line) => line.msg)).toEqual(
      off.map(() => expect.stringMatching(/clock skew: .* 300000 ms .* 30000 ms limit/)),
    );

    supergraph.skewClock(service, 0);
    await readinessBecomes(supergraph.url, 200);
    expect((await sees()).shown).toBe(true);
    for (const name of off) expect((await readiness(supergraph.subgraphs[name].url)).status).toBe(200);
  });

  it('ten seconds off, within the 30 s limit: the patient sees the entry and every service is ready', async () => {
    supergraph.skewClock(service, 10_000);
    expect((await sees()).shown).toBe(true);
    await readinessBecomes(supergraph.url, 200);
    const skewMs = service === 'gateway' ? -10_000 : 10_000;
    for (const name of off) {
      // Measured by the next request or background probe from the gateway.
      const measured = await eventually(async () => {
        const answer = await readiness(supergraph.subgraphs[name].url);
        return (answer.body.clock as { skewMs?: number } | undefined)?.skewMs === skewMs && answer;
      }, 5000);
      expect(measured.value).toEqual({
        status: 200,
        body: expect.objectContaining({ clock: { ok: true, skewMs, limitMs: LIMIT_MS } }),
      });
    }
  });
});

describe('a request straight to a subgraph whose clock is off', () => {
  const lines: Record<string, unknown>[] = [];
  let supergraph: Supergraph;
  const viewer = { role: 'patient' as const, subject: 'p', nhsNumber: patient, identityLevel: 'P9' as const };
  const body = { query: '{ __typename }' };

  beforeAll(async () => {
    ({ supergraph } = await patientWithAnEntry(lines));
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('authentic: refused with 503 and a GraphQL error that says the clocks disagree, and nothing secret', async () => {
    supergraph.skewClock('records', FIVE_MINUTES);
    const response = await signedPost(supergraph.subgraphs.records.url, {
      audience: 'records',
      secret: supergraph.secret,
      viewer,
      body,
      timestamp: supergraph.clock.now().getTime(),
    });
    expect(response).toEqual({
      status: 503,
      body: {
        errors: [
          {
            message:
              "The records service's clock disagrees with the gateway's by more than 30000 ms: it refuses requests until they agree",
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      },
    });
    expect(JSON.stringify(response.body)).not.toContain(supergraph.secret);
    expect(JSON.stringify(response.body)).not.toContain(patient);

    supergraph.skewClock('records', 0);
    const agreeing = await signedPost(supergraph.subgraphs.records.url, {
      audience: 'records',
      secret: supergraph.secret,
      viewer,
      body,
      timestamp: supergraph.clock.now().getTime(),
    });
    expect(agreeing.status).toBe(200);
    expect((await readiness(supergraph.subgraphs.records.url)).status).toBe(200);
  });

  it("from another subgraph: served within twice the limit, refused beyond it, and the callee's readiness untouched", async () => {
    const call = (offsetMs: number) =>
      signedPost(supergraph.subgraphs.practices.url, {
        audience: 'practices',
        secret: supergraph.secret,
        viewer: { role: 'service', subject: 'rollout' },
        body,
        timestamp: supergraph.clock.now().getTime() + offsetMs,
      });
    // Each clock may be off from the gateway's by the limit, the two in opposite directions.
    expect((await call(2 * LIMIT_MS)).status).toBe(200);
    const refused = await call(FIVE_MINUTES);
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.message).toMatch(
      /practices service's clock disagrees with its caller's by more than 60000 ms/,
    );
    expect(await readiness(supergraph.subgraphs.practices.url)).toMatchObject({ status: 200, body: { clock: { ok: true } } });
  });

  it('with a wrong signature: still 401, and no measurement, so readiness is untouched', async () => {
    const forged = await signedPost(supergraph.subgraphs.records.url, {
      audience: 'records',
      secret: 'x'.repeat(43),
      viewer,
      body,
      timestamp: supergraph.clock.now().getTime() - FIVE_MINUTES,
    });
    expect(forged.status).toBe(401);
    expect(await readiness(supergraph.subgraphs.records.url)).toMatchObject({ status: 200, body: { clock: { ok: true } } });
  });
});
