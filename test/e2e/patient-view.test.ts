import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The patient view end to end, through the gateway over real HTTP: records asks rollout,
 * through federation, for the practice's status and periods, and shows only what docs/domain.md's
 * six conditions allow.
 */
describe('the patient view, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81001';
  const adult = '9990001375';
  const other = '9990002746';
  const SWITCH_ON = '2022-11-01T00:00:00.000Z';
  const PAUSE = '2023-03-01T12:00:00.000Z';
  const RESUME = '2023-04-03T08:00:00.000Z';

  beforeAll(async () => {
    // These cases stand at the exact boundary instants of the rule; the clock tolerance has its own (exclusion-and-clocks.test.ts).
    supergraph = await startSupergraph({ now: '2022-10-01T09:00:00.000Z', clockToleranceMs: 0 });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'EMIS');
    await s.registerPatient(practice, adult, '1980-04-12');
    await s.registerPatient(practice, other, '1985-01-01');
    await s.addEntry(practice, adult, 'before switch-on');
    await s.addEntry(practice, other, "another patient's entry");
    await s.schedule(practice, SWITCH_ON);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  it('shows nothing while the practice is only scheduled, and says why', async () => {
    s.at('2022-10-31T23:59:59.999Z');
    expect(await s.patientSees(adult)).toEqual({ state: 'NOT_YET_SWITCHED_ON', visibleFrom: null, titles: [], totalCount: 0 });
  });

  it('shows an entry recorded at the exact switch-on instant, and never one recorded before it', async () => {
    s.at(SWITCH_ON);
    await s.addEntry(practice, adult, 'at switch-on');
    expect(await s.patientSees(adult)).toEqual({
      state: 'VISIBLE',
      visibleFrom: SWITCH_ON,
      titles: ['at switch-on'],
      totalCount: 1,
    });
  });

  it('shows a test result only once filed, counting from the filing instant', async () => {
    s.at('2022-11-10T10:00:00.000Z');
    const result = await s.addEntry(practice, adult, 'blood test', 'TEST_RESULT');
    expect((await s.patientSees(adult)).titles).not.toContain('blood test');
    s.at('2022-11-11T09:00:00.000Z');
    await s.fileEntry(practice, result);
    expect((await s.patientSees(adult)).titles).toEqual(['blood test', 'at switch-on']);
  });

  it('hides an entry marked "do not show online" at once', async () => {
    s.at('2022-12-01T10:00:00.000Z');
    const id = await s.addEntry(practice, adult, 'to be hidden');
    expect((await s.patientSees(adult)).titles).toContain('to be hidden');
    await s.hideEntry(practice, id);
    expect((await s.patientSees(adult)).titles).not.toContain('to be hidden');
  });

  it('shows nothing while paused; an entry recorded during the pause stays hidden after resume; earlier ones come back', async () => {
    s.at(PAUSE);
    await s.pause(practice);
    expect(await s.patientSees(adult)).toMatchObject({ state: 'PRACTICE_PAUSED', titles: [], totalCount: 0 });
    s.at('2023-03-10T10:00:00.000Z');
    await s.addEntry(practice, adult, 'during the pause');
    s.at(RESUME);
    await s.resume(practice);
    await s.addEntry(practice, adult, 'at resume');
    // Told from the first switch-on: entries from before the pause are shown too.
    expect(await s.patientSees(adult)).toEqual({
      state: 'VISIBLE',
      visibleFrom: SWITCH_ON,
      titles: ['at resume', 'blood test', 'at switch-on'],
      totalCount: 3,
    });
  });

  it('shows nothing to an excluded patient; after the lift, everything but what was written while excluded', async () => {
    s.at('2023-05-01T10:00:00.000Z');
    await s.exclude(practice, adult, true);
    expect(await s.patientSees(adult)).toMatchObject({ state: 'PATIENT_EXCLUDED', titles: [] });
    s.at('2023-05-01T11:00:00.000Z');
    await s.addEntry(practice, adult, 'written while excluded');
    s.at('2023-05-01T12:00:00.000Z');
    await s.exclude(practice, adult, false);
    expect((await s.patientSees(adult)).titles).toEqual(['at resume', 'blood test', 'at switch-on']);
  });

  it("never shows one patient another patient's entries", async () => {
    s.at('2023-05-02T10:00:00.000Z');
    await s.addEntry(practice, other, 'visible to the other patient');
    expect((await s.patientSees(adult)).titles).not.toContain('visible to the other patient');
    expect((await s.patientSees(other)).titles).toEqual(['visible to the other patient']);
  });

  it('pages newest first with cursors, and the pages add up to the whole view', async () => {
    const token = await s.token(Scenario.patient(adult));
    const page = (after: string | null) =>
      supergraph.graphql<{
        me: {
          record: {
            edges: { cursor: string; node: { title: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        };
      }>(
        token,
        `query($after: String) { me { record(first: 2, after: $after) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
    const first = (await page(null)).body.data!.me.record;
    expect(first.edges.map((e) => e.node.title)).toEqual(['at resume', 'blood test']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).body.data!.me.record;
    expect(second.edges.map((e) => e.node.title)).toEqual(['at switch-on']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by entry type', async () => {
    const data = await s.ok<{ me: { record: { edges: { node: { title: string } }[] } } }>(
      Scenario.patient(adult),
      `{ me { record(types: [TEST_RESULT]) { edges { node { title } } } } }`,
    );
    expect(data.me.record.edges.map((e) => e.node.title)).toEqual(['blood test']);
  });

  it('shows the clinician exactly what the patient sees, entry by entry, with the reason for the rest', async () => {
    const data = await s.ok<{
      patient: {
        clinicalRecord: {
          totalCount: number;
          edges: {
            node: { title: string; visibleToPatient: boolean; notVisibleBecause: string[]; hiddenReason: string | null };
          }[];
        };
      };
    }>(
      Scenario.clinician(practice),
      `query($n: ID!) { patient(nhsNumber: $n) { clinicalRecord(first: 100) { totalCount edges { node { title visibleToPatient notVisibleBecause hiddenReason } } } } }`,
      { n: adult },
    );
    const byTitle = Object.fromEntries(data.patient.clinicalRecord.edges.map((e) => [e.node.title, e.node]));
    const visible = data.patient.clinicalRecord.edges.filter((e) => e.node.visibleToPatient).map((e) => e.node.title);
    expect(visible).toEqual((await s.patientSees(adult)).titles);
    expect(byTitle['before switch-on']!.notVisibleBecause).toEqual(['OUTSIDE_ACCESS_PERIOD']);
    expect(byTitle['during the pause']!.notVisibleBecause).toEqual(['OUTSIDE_ACCESS_PERIOD']);
    expect(byTitle['to be hidden']!.notVisibleBecause).toEqual(['HIDDEN']);
    expect(byTitle['to be hidden']!.hiddenReason).toEqual(expect.any(String));
    expect(byTitle['written while excluded']!.notVisibleBecause).toEqual(['EXCLUDED_WHEN_AVAILABLE']);
    expect(byTitle['written while excluded']!.hiddenReason).toBe(
      'Became available while the patient was excluded from online access, so it stays hidden',
    );
    expect(data.patient.clinicalRecord.totalCount).toBe(7);
  });

  it("refuses a patient's token for another patient's record, and a P5 identity", async () => {
    const response = await s.as(Scenario.patient(adult), `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber } }`, { n: other });
    expect(codes(response)).toEqual(['FORBIDDEN']);
    const p5 = await s.as(Scenario.patient(adult, 'P5'), `{ me { record { totalCount } } }`);
    expect(codes(p5)).toEqual(['FORBIDDEN']);
    expect(p5.body.data?.me ?? null).toBeNull();
  });

  it('refuses a request without a token with UNAUTHENTICATED and HTTP 401', async () => {
    const response = await supergraph.graphql(null, '{ practices { totalCount } }');
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('never gives nhse, analysts or suppliers a record entry', async () => {
    for (const role of [Scenario.nhse, Scenario.analyst, Scenario.supplier('EMIS')]) {
      const response = await s.as(role, `query($n: ID!) { patient(nhsNumber: $n) { record { edges { node { title } } } } }`, {
        n: adult,
      });
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(response.body)).not.toContain('at switch-on');
    }
  });
});
