import { testNhsNumbers } from '../helpers/bulk-records';
import { TEST_DATABASE_URL } from '../helpers/database';
import { codes, Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Past one machine: two instances of every service (two gateways, two of each subgraph) on one
 * PostgreSQL database per subgraph, as replicas behind a Kubernetes Service are. Each gateway
 * calls its own subgraph instances, so a write through one side and a read through the other
 * cross every instance. Whatever one instance keeps between requests (a patient's count, the
 * rollout histories behind the figures, a verified token, an app's trusted operation), a write
 * through the other shows in the very next read, or, for the trusted operations, within their
 * documented bound. PostgreSQL only: a SQLite file belongs to one service process.
 */
(TEST_DATABASE_URL ? describe : describe.skip)('two instances of every service on one PostgreSQL', () => {
  let one: Supergraph;
  let two: Supergraph;
  /** Through the first gateway (and its subgraphs), and through the second. */
  let a: Scenario;
  let b: Scenario;
  const PRACTICE = 'B86001';
  // Each (app, patient): 4 at once; each app: 8 at once. Within a test the clock stands still: nothing refills.
  const LIMITS = { perSecond: 1, burst: 8, perPatient: { perSecond: 0.25, burst: 4 } };
  const OWN = 'query Own { me { nhsNumber } }';
  const FIRST_PAGE = '{ me { record(first: 3) { totalCount edges { node { title } } } } }';
  type Page = { me: { record: { totalCount: number; edges: { node: { title: string } }[] } } };
  let nextNumber = 0;
  const patients = testNhsNumbers(12, 6_100);

  /** A patient of their own for a test, registered at the practice through `via`. */
  async function newPatient(via: Scenario): Promise<string> {
    const nhsNumber = patients[nextNumber++]!;
    await via.registerPatient(PRACTICE, nhsNumber);
    return nhsNumber;
  }

  /** Two minutes on, clear of the last change by more than the clock tolerance (one minute). */
  const later = () => one.clock.advance(2 * 60_000);

  beforeAll(async () => {
    // The gateways' background readiness probes (SQL in every subgraph) stay out of the statement counts.
    const quiet = { appRateLimit: LIMITS, readinessIntervalMs: 3_600_000 };
    one = await startSupergraph({ now: '2023-01-01T09:00:00.000Z', ...quiet });
    two = await startSupergraph({ sameAs: one, ...quiet });
    a = new Scenario(one);
    b = new Scenario(two);
    await a.createPractice(PRACTICE, 'EMIS');
    await b.switchOn(PRACTICE, 'EMIS');
    // Clear of the switch-on by more than the clock tolerance: entries recorded from now are shown.
    a.at('2023-01-01T10:00:00.000Z');
  }, 120_000);
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  it('runs two of everything, one database per subgraph; each gateway calls its own subgraph instances only', async () => {
    expect(one.url).not.toBe(two.url);
    for (const name of ['practices', 'rollout', 'records'] as const) {
      expect(one.subgraphs[name].url).not.toBe(two.subgraphs[name].url);
      expect(two.databases[name]).toEqual(one.databases[name]);
    }
    const patient = await newPatient(a);
    const throughTwo = await one.reachedDuring(() =>
      two.reachedDuring(() => b.ok(Scenario.patient(patient), '{ me { registeredPractice { name } onlineAccess { state } } }')),
    );
    expect(throughTwo.reached).toEqual({});
    expect(Object.keys(throughTwo.response.reached).sort()).toEqual(['practices', 'records', 'rollout']);
  });

  describe("a patient's kept count (records)", () => {
    it('is kept by one records instance, and counted again there at once after a write through the other', async () => {
      const patient = await newPatient(a);
      await a.addEntry(PRACTICE, patient, 'first');
      await a.addEntry(PRACTICE, patient, 'second');
      const statements = one.subgraphs.records.database.statements;
      const page = async (via: Scenario) => (await via.ok<Page>(Scenario.patient(patient), FIRST_PAGE)).me.record.totalCount;

      expect(await page(a)).toBe(2);
      const before = statements.count;
      expect(await page(a)).toBe(2);
      const kept = statements.count - before;
      // Kept: the second page cost one statement fewer than counting (checked just below).

      await b.addEntry(PRACTICE, patient, 'third, through the other side');
      const afterWrite = statements.count;
      expect(await page(a)).toBe(3);
      expect(statements.count - afterWrite).toBe(kept + 1);

      expect(await page(b)).toBe(3);
      await a.addEntry(PRACTICE, patient, 'fourth, back through the first');
      expect(await page(b)).toBe(4);
      expect(await page(a)).toBe(4);
    });
  });

  describe('entries, filing and hiding (records)', () => {
    it('an entry added through one is seen through the other; a result filed, or an entry hidden, likewise', async () => {
      const patient = await newPatient(b);
      await b.addEntry(PRACTICE, patient, 'consultation');
      later();
      const result = await b.addEntry(PRACTICE, patient, 'blood test', 'TEST_RESULT');
      expect((await a.patientSees(patient)).titles).toEqual(['consultation']);
      later();
      await a.fileEntry(PRACTICE, result);
      expect((await b.patientSees(patient)).titles).toEqual(['blood test', 'consultation']);
      later();
      const hidden = await a.addEntry(PRACTICE, patient, 'third-party letter');
      expect((await b.patientSees(patient)).titles).toEqual(['third-party letter', 'blood test', 'consultation']);
      await b.hideEntry(PRACTICE, hidden);
      expect((await a.patientSees(patient)).titles).toEqual(['blood test', 'consultation']);
    });
  });

  describe('exclusions and pauses', () => {
    it("a patient's exclusion set through one hides their record through the other at once, and lifted likewise", async () => {
      const patient = await newPatient(a);
      await a.addEntry(PRACTICE, patient, 'visible');
      expect(await b.patientSees(patient)).toMatchObject({ state: 'VISIBLE', titles: ['visible'] });
      later();
      await a.exclude(PRACTICE, patient, true);
      expect(await b.patientSees(patient)).toMatchObject({ state: 'PATIENT_EXCLUDED', titles: [], totalCount: 0 });
      later();
      await b.exclude(PRACTICE, patient, false);
      expect(await a.patientSees(patient)).toMatchObject({ state: 'VISIBLE', titles: ['visible'] });
    });

    it("a practice paused through one rollout instance is paused for the other's patients at once", async () => {
      const patient = await newPatient(a);
      await b.addEntry(PRACTICE, patient, 'before the pause');
      expect(await a.patientSees(patient)).toMatchObject({ state: 'VISIBLE', titles: ['before the pause'] });
      later();
      await a.pause(PRACTICE);
      expect(await b.patientSees(patient)).toMatchObject({ state: 'PRACTICE_PAUSED', titles: [] });
      later();
      await b.resume(PRACTICE);
      expect(await a.patientSees(patient)).toMatchObject({ state: 'VISIBLE', titles: ['before the pause'] });
    });
  });

  describe("analysts' figures (rollout, over the practices directory)", () => {
    const SUMMARY = '{ rolloutSummary(groupBy: NATIONAL) { total notScheduled enabled paused } }';
    type Summary = { rolloutSummary: { total: number; notScheduled: number; enabled: number; paused: number }[] };
    const figures = async (via: Scenario) => (await via.ok<Summary>(Scenario.analyst, SUMMARY)).rolloutSummary[0];

    it('a practice added, switched on and paused through one shows in the figures the other keeps, at once', async () => {
      const start = await figures(a);
      expect(await figures(b)).toEqual(start);
      // Kept: asked again with nothing written, the first rollout instance reads only the versions.
      const statements = one.subgraphs.rollout.database.statements;
      const before = statements.count;
      await figures(a);
      const kept = statements.count - before;

      await b.createPractice('B86002', 'EMIS');
      expect(await figures(a)).toEqual({ ...start!, total: start!.total + 1, notScheduled: start!.notScheduled + 1 });
      await a.switchOn('B86002', 'EMIS');
      expect(await figures(b)).toEqual({ ...start!, total: start!.total + 1, enabled: start!.enabled + 1 });
      const afterWrite = statements.count;
      await b.pause('B86002');
      expect(await figures(a)).toEqual({ ...start!, total: start!.total + 1, paused: start!.paused + 1 });
      expect(statements.count - afterWrite).toBeGreaterThan(kept);
    });
  });

  describe('apps: approval, verified tokens, rate limits, trusted operations (records and the gateways)', () => {
    it("an app revoked through one gateway is refused at once through the other, which had verified and kept the app's token", async () => {
      const patient = await newPatient(a);
      await a.approveApp('revoked-app', ['record:read'], 'Revoked', [OWN]);
      const app = Scenario.app('revoked-app', patient);
      // The same token through both: each gateway verifies it once and keeps it (verified-tokens.ts).
      expect(codes(await b.as(app, OWN))).toEqual([]);
      expect(codes(await a.as(app, OWN))).toEqual([]);
      await a.ok(Scenario.nhse, 'mutation { revokeApp(clientId: "revoked-app") { revokedAt } }');
      const refused = await b.as<{ me: unknown }>(app, OWN);
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.body.data?.me ?? null).toBeNull();
      await b.approveApp('revoked-app', ['record:read'], 'Revoked', [OWN]);
      expect(codes(await a.as(app, OWN))).toEqual([]);
    });

    it("an app's buckets are shared: a patient's and the app's limits count requests through both gateways", async () => {
      await b.approveApp('limited-app', ['record:read'], 'Limited', [OWN]);
      const [first, second, third] = [await newPatient(a), await newPatient(a), await newPatient(a)];
      const read = async (via: Scenario, patient: string) =>
        codes(await via.as(Scenario.app('limited-app', patient), OWN))[0] ?? 'OK';
      const alternately = async (patient: string, times: number, from: Scenario) => {
        const outcomes: string[] = [];
        for (let i = 0; i < times; i += 1) outcomes.push(await read(i % 2 === 0 ? from : from === a ? b : a, patient));
        return outcomes;
      };
      // The first patient's 4, through one gateway then the other, then refused through both.
      expect(await alternately(first, 6, a)).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
      // The app's 8 in all: 4 taken; 2 more for each other patient, through both; then the app's ceiling.
      expect(await alternately(second, 2, b)).toEqual(['OK', 'OK']);
      expect(await alternately(third, 4, a)).toEqual(['OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
    });

    it('a replaced list of trusted operations: the new one runs through both at once, the old one is refused within the 1 s bound', async () => {
      const patient = await newPatient(b);
      const replacement = 'query New { me { dateOfBirth } }';
      const app = Scenario.app('replacing-app', patient);
      await a.approveApp('replacing-app', ['record:read'], 'Replacing', [OWN]);
      // Each gateway finds the operation and keeps its body (trusted-operations.ts).
      expect(codes(await a.as(app, OWN))).toEqual([]);
      expect(codes(await b.as(app, OWN))).toEqual([]);
      await b.approveApp('replacing-app', ['record:read'], 'Replacing', [replacement]);
      expect(codes(await a.as(app, replacement))).toEqual([]);
      expect(codes(await b.as(app, replacement))).toEqual([]);
      // The documented bound (TRUSTED_OPERATION_CACHE_MS): a body found is kept for 1 s, then asked again.
      one.clock.advance(1000);
      expect(codes(await a.as(app, OWN))).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      expect(codes(await b.as(app, OWN))).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    });
  });
});
