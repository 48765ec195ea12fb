import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * An app's rate limits (docs/security.md "App rate limits"), through the gateway over real
 * HTTP, with the clock standing still: each (app, patient) has a bucket of its own, so one
 * patient's traffic through an app does not limit the app's other patients, while the app's
 * bucket stays the ceiling over all of them. A refusal is RATE_LIMITED with HTTP 429 and a
 * Retry-After of the whole seconds until the bucket that refused holds a token again.
 */
describe('app rate limits: per patient within an app-wide ceiling', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const ODS = 'A83001';
  const [A, B, C] = ['9990001375', '9990002746', '9990003637'];
  // A patient: 4 at once, one every 4 s. The app: 6 at once, one a second.
  const LIMITS = { perSecond: 1, burst: 6, perPatient: { perSecond: 0.25, burst: 4 } };
  const OWN = '{ me { nhsNumber } }';
  const approve = (clientId: string) => s.approveApp(clientId, ['record:read'], `App ${clientId}`, [OWN]);

  interface Answer {
    status: number;
    retryAfter: string | null;
    code: string | null;
    message: string | null;
    retryAfterSeconds: unknown;
    nhsNumber: string | null;
  }
  /** One read of `me` by `clientId` for `nhsNumber`, with the HTTP status and Retry-After header. */
  const read = async (clientId: string, nhsNumber: string): Promise<Answer> => {
    const token = await s.token(Scenario.app(clientId, nhsNumber));
    const response = await fetch(supergraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // As Apollo Client's persisted-query link sends a trusted operation: its id alone.
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: Scenario.operation(OWN).id } } }),
    });
    const body = (await response.json()) as {
      data?: { me: { nhsNumber: string } | null } | null;
      errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: unknown } }[];
    };
    const error = body.errors?.[0];
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      code: error?.extensions?.code ?? null,
      message: error?.message ?? null,
      retryAfterSeconds: error?.extensions?.retryAfterSeconds,
      nhsNumber: body.data?.me?.nhsNumber ?? null,
    };
  };
  const reads = async (clientId: string, nhsNumber: string, n: number) => {
    const answers: Answer[] = [];
    for (let i = 0; i < n; i += 1) answers.push(await read(clientId, nhsNumber));
    return answers;
  };
  const outcomes = (answers: Answer[]) => answers.map((answer) => answer.code ?? 'OK');
  const at = (secondsAfterNow: number) => supergraph.clock.set(new Date(Date.parse(NOW) + secondsAfterNow * 1000).toISOString());

  const ok = (nhsNumber: string) => ({ status: 200, retryAfter: null, code: null, nhsNumber });
  const limited = (bucket: 'patient' | 'app', seconds: number) => ({
    status: 429,
    retryAfter: String(seconds),
    code: 'RATE_LIMITED',
    retryAfterSeconds: seconds,
    nhsNumber: null,
    message:
      bucket === 'patient'
        ? "The app is over its rate limit for this patient's record; try again shortly"
        : 'The app is over its rate limit; try again shortly',
  });

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW, appRateLimit: LIMITS });
    s = new Scenario(supergraph);
    await s.createPractice(ODS);
    for (const patient of [A, B, C]) await s.registerPatient(ODS, patient);
  });
  beforeEach(() => at(0));
  afterAll(() => supergraph.stop());

  it('patient A using up their own bucket does not limit patient B of the same app', async () => {
    await approve('shared-app');
    const fromA = await reads('shared-app', A, 6);
    expect(outcomes(fromA)).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(fromA[0]).toMatchObject(ok(A));
    // A's bucket refills one token every 4 s.
    expect(fromA[5]).toEqual(limited('patient', 4));
    // B, through the same app at the same instant, is not limited by A.
    expect(await read('shared-app', B)).toMatchObject(ok(B));
    expect(outcomes(await reads('shared-app', B, 1))).toEqual(['OK']);
  });

  it('the app-wide bucket is still the ceiling over all its patients', async () => {
    await approve('ceiling-app');
    expect(outcomes(await reads('ceiling-app', A, 4))).toEqual(['OK', 'OK', 'OK', 'OK']);
    const fromB = await reads('ceiling-app', B, 3);
    expect(outcomes(fromB)).toEqual(['OK', 'OK', 'RATE_LIMITED']);
    // The app's bucket refused: one token a second.
    expect(fromB[2]).toEqual(limited('app', 1));
    expect(await read('ceiling-app', C)).toEqual(limited('app', 1));
    // A second later the app holds one token again, and C (whose own bucket is full) takes it.
    at(1);
    expect(await read('ceiling-app', C)).toMatchObject(ok(C));
    expect(await read('ceiling-app', C)).toEqual(limited('app', 1));
    // Another app has buckets of its own.
    await approve('other-app');
    expect(await read('other-app', C)).toMatchObject(ok(C));
  });

  it('Retry-After is sensible: a retry sooner is refused again, a retry after it is answered', async () => {
    await approve('patient-app');
    const answers = await reads('patient-app', A, 5);
    expect(answers[4]).toEqual(limited('patient', 4));
    // Three seconds on: three quarters of a token; one more second to wait.
    at(3);
    expect(await read('patient-app', A)).toEqual(limited('patient', 1));
    at(4);
    expect(await read('patient-app', A)).toMatchObject(ok(A));
    expect(await read('patient-app', A)).toEqual(limited('patient', 4));
  });

  it('patients signed in themselves are not rate limited as apps, and carry no Retry-After', async () => {
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(supergraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await s.token(Scenario.patient(A))}` },
        // As Apollo Client's persisted-query link sends a trusted operation: its id alone.
        body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: Scenario.operation(OWN).id } } }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('retry-after')).toBeNull();
    }
  });
});
