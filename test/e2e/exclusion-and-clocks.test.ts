import { codes, Scenario } from '../helpers/scenario';
import { databaseKind } from '../helpers/database';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

const databaseFalse = () => (databaseKind === 'postgres' ? 'false' : '0');

/**
 * Where exclusions and clocks once went wrong, through the gateway: the patient's own decline
 * against a clinician's lift, entries written while excluded, exclusions and filings when the
 * records clock steps back, and an entry near a pause when the rollout clock runs ahead of the
 * records clock.
 */
describe('exclusions, filings and two clocks, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81020';
  const MINUTE = 60_000;
  let nextPatient = 0;
  const patients = [
    '9990001375',
    '9990001383',
    '9990001391',
    '9990001405',
    '9990001413',
    '9990001421',
    '9990001448',
    '9990001456',
    '9990001472',
    '9990001480',
    '9990001499',
  ];

  const HISTORY = `query($n: ID!) { patient(nhsNumber: $n) {
    excludedFromOnlineAccess excludedByClinician onlineAccessDeclinedByPatient
    exclusionHistory { at excluded snomedCode kind patientChoice reason } } }`;
  const history = (nhsNumber: string) =>
    s.ok<{
      patient: {
        excludedFromOnlineAccess: boolean;
        excludedByClinician: boolean;
        onlineAccessDeclinedByPatient: boolean;
        exclusionHistory: { at: string; excluded: boolean; snomedCode: string; kind: string; patientChoice: boolean }[];
      };
    }>(Scenario.clinician(practice), HISTORY, { n: nhsNumber });
  const declineAsPatient = (nhsNumber: string, wantsAccess: boolean, identityLevel = 'P9') =>
    s.as(
      Scenario.patient(nhsNumber, identityLevel),
      `mutation($w: Boolean!) { setMyOnlineAccessChoice(wantsAccess: $w) { nhsNumber } }`,
      { w: wantsAccess },
    );
  const changeLog = (nhsNumber: string) =>
    supergraph.subgraphs.records.database.dataSource.query<{ action: string; actor_role: string }[]>(
      `SELECT action, actor_role FROM change_log WHERE nhs_number = '${nhsNumber}' AND (action LIKE 'EXCLUSION%' OR action LIKE 'ACCESS%') ORDER BY id`,
    );

  /** A new adult patient of the practice, registered an hour before now. */
  const newPatient = async () => {
    const nhsNumber = patients[nextPatient++]!;
    const now = supergraph.clock.now().getTime();
    s.at(new Date(now - 60 * MINUTE).toISOString());
    await s.registerPatient(practice, nhsNumber);
    s.at(new Date(now).toISOString());
    return nhsNumber;
  };
  const later = (minutes: number) => s.at(new Date(supergraph.clock.now().getTime() + minutes * MINUTE).toISOString());

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-03-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'EMIS');
    await s.switchOn(practice);
    s.at('2024-03-02T09:00:00.000Z');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('a clinician’s lift (106) does not end the patient’s own decline; only the patient’s later wish does', async () => {
    const nhsNumber = await newPatient();
    await s.addEntry(practice, nhsNumber, 'before the decline');
    later(10);
    expect((await declineAsPatient(nhsNumber, false)).body.errors).toBeUndefined();
    expect(await s.patientSees(nhsNumber)).toMatchObject({ state: 'PATIENT_EXCLUDED', titles: [] });
    later(10);
    await s.exclude(practice, nhsNumber, false);
    expect(await s.patientSees(nhsNumber)).toMatchObject({ state: 'PATIENT_EXCLUDED', titles: [] });
    expect((await history(nhsNumber)).patient).toMatchObject({
      excludedFromOnlineAccess: true,
      excludedByClinician: false,
      onlineAccessDeclinedByPatient: true,
    });
    later(10);
    expect((await declineAsPatient(nhsNumber, true)).body.errors).toBeUndefined();
    expect(await s.patientSees(nhsNumber)).toMatchObject({ state: 'VISIBLE', titles: ['before the decline'] });
  });

  it('the clinical view and the change log tell a clinician’s exclusion from the patient’s choice', async () => {
    const nhsNumber = await newPatient();
    await s.exclude(practice, nhsNumber, true);
    later(1);
    await s.ok(
      Scenario.clinician(practice),
      `mutation($n: ID!) { recordPatientOnlineAccessChoice(nhsNumber: $n, wantsAccess: false, reason: "Told reception") { nhsNumber } }`,
      { n: nhsNumber },
    );
    later(1);
    await declineAsPatient(nhsNumber, true);
    const { exclusionHistory } = (await history(nhsNumber)).patient;
    expect(
      exclusionHistory.map(({ kind, patientChoice, excluded, snomedCode }) => [kind, patientChoice, excluded, snomedCode]),
    ).toEqual([
      ['EXCLUDED', false, true, '1364731000000104'],
      ['ACCESS_DECLINED', true, true, '1290331000000103'],
      ['DECLINE_WITHDRAWN', true, false, '1290331000000103'],
    ]);
    expect(await changeLog(nhsNumber)).toEqual([
      { action: 'EXCLUSION_SET', actor_role: 'clinician' },
      { action: 'ACCESS_DECLINED', actor_role: 'clinician' },
      { action: 'ACCESS_DECLINE_WITHDRAWN', actor_role: 'patient' },
    ]);
    // The clinician's exclusion still stands.
    expect((await s.patientSees(nhsNumber)).state).toBe('PATIENT_EXCLUDED');
  });

  it('only the patient at P9 makes their own choice: not at P5, not an app, not another role', async () => {
    const nhsNumber = await newPatient();
    expect(codes(await declineAsPatient(nhsNumber, false, 'P5'))).toEqual(['FORBIDDEN']);
    await s.approveApp('choice-app');
    // An app runs only its registered operations (queries of `me`): the mutation is not run.
    const byApp = await s.supergraph.graphql(
      await s.token(Scenario.app('choice-app', nhsNumber)),
      `mutation { setMyOnlineAccessChoice(wantsAccess: false) { nhsNumber } }`,
    );
    expect(codes(byApp)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    const byClinician = await s.as(
      Scenario.clinician(practice),
      `mutation { setMyOnlineAccessChoice(wantsAccess: false) { nhsNumber } }`,
    );
    expect(codes(byClinician)).toEqual(['FORBIDDEN']);
    expect((await history(nhsNumber)).patient.exclusionHistory).toEqual([]);
  });

  it('entries written while the patient was excluded stay out of their view after the exclusion ends', async () => {
    const nhsNumber = await newPatient();
    await s.addEntry(practice, nhsNumber, 'before');
    later(5);
    await s.exclude(practice, nhsNumber, true);
    later(5);
    await s.addEntry(practice, nhsNumber, 'while excluded');
    later(5);
    await s.exclude(practice, nhsNumber, false);
    later(5);
    await s.addEntry(practice, nhsNumber, 'after');
    expect((await s.patientSees(nhsNumber)).titles).toEqual(['after', 'before']);
  });

  it('exclusions take effect in the order recorded: a clock stepping back cannot let an earlier lift win', async () => {
    const nhsNumber = await newPatient();
    s.at('2024-03-05T10:00:00.000Z');
    await s.exclude(practice, nhsNumber, true);
    s.at('2024-03-05T10:00:05.000Z');
    await s.exclude(practice, nhsNumber, false);
    s.at('2024-03-05T10:00:01.000Z');
    await s.exclude(practice, nhsNumber, true);
    const { patient } = await history(nhsNumber);
    expect(patient.excludedFromOnlineAccess).toBe(true);
    // Never stamped earlier than the patient's last event.
    expect(patient.exclusionHistory.map((event) => event.at)).toEqual([
      '2024-03-05T10:00:00.000Z',
      '2024-03-05T10:00:05.000Z',
      '2024-03-05T10:00:05.000Z',
    ]);
    expect((await s.patientSees(nhsNumber)).state).toBe('PATIENT_EXCLUDED');
  });

  it('an entry written while excluded stays hidden even when the clock stepped back after the exclusion', async () => {
    s.at('2024-03-05T12:00:00.000Z');
    const nhsNumber = await newPatient();
    s.at('2024-03-05T12:10:00.000Z'); // the records clock ten minutes fast...
    await s.exclude(practice, nhsNumber, true);
    s.at('2024-03-05T12:02:00.000Z'); // ...then corrected
    await s.addEntry(practice, nhsNumber, 'while excluded');
    s.at('2024-03-05T12:05:00.000Z');
    await s.exclude(practice, nhsNumber, false);
    s.at('2024-03-05T12:20:00.000Z');
    await s.addEntry(practice, nhsNumber, 'after the lift');
    expect((await s.patientSees(nhsNumber)).titles).toEqual(['after the lift']);
  });

  it('a result filed after the clock stepped back is filed at its recording, never before, and shown', async () => {
    const nhsNumber = await newPatient();
    s.at('2024-03-06T10:00:00.000Z');
    const id = await s.addEntry(practice, nhsNumber, 'blood test', 'TEST_RESULT');
    s.at('2024-03-06T09:59:00.000Z');
    const filed = (await s.fileEntry(practice, id)) as { fileRecordEntry: { filedAt: string } };
    expect(filed.fileRecordEntry.filedAt).toBe('2024-03-06T10:00:00.000Z');
    s.at('2024-03-06T10:05:00.000Z');
    expect((await s.patientSees(nhsNumber)).titles).toEqual(['blood test']);
  });

  it('stored rows the rule refuses never break paging: every valid entry is reachable and counted', async () => {
    const nhsNumber = await newPatient();
    for (const minute of [1, 2, 3, 4]) {
      s.at(`2024-03-08T10:0${minute}:00.000Z`);
      await s.addEntry(practice, nhsNumber, `valid ${minute}`);
    }
    // Rows as older code or a migration might have left them, newer than every valid entry.
    const records = supergraph.subgraphs.records.database.dataSource;
    const planted = [
      ['UNKNOWN_KIND', 'NULL'],
      ['TEST_RESULT', 'NULL'],
      ['CLINICAL_LETTER', String(Date.parse('2024-03-08T09:00:00.000Z'))],
    ];
    for (const [i, [type, filedAt]] of planted.entries()) {
      const at = Date.parse(`2024-03-08T10:1${i}:00.000Z`);
      await records.query(
        `INSERT INTO record_entry (id, nhs_number, type, title, body, recorded_at, filed_at, available_at, hidden_from_patient, recorded_by)
         VALUES ('00000000-0000-4000-8000-00000000000${i}', '${nhsNumber}', '${type}', 'planted', 'planted', ${at}, ${filedAt}, ${at}, ${databaseFalse()}, 'A81020:test')`,
      );
    }
    s.at('2024-03-08T11:00:00.000Z');
    const token = await s.token(Scenario.patient(nhsNumber));
    const seen: string[] = [];
    let after: string | null = null;
    type Page = {
      me: {
        record: {
          totalCount: number;
          edges: { node: { title: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    };
    for (let page = 0; page < 10; page += 1) {
      const response: GraphQLResponse<Page> = await supergraph.graphql<Page>(
        token,
        `query($a: String) { me { record(first: 2, after: $a) { totalCount edges { node { title } } pageInfo { hasNextPage endCursor } } } }`,
        { a: after },
      );
      const record = response.body.data!.me.record;
      expect(record.totalCount).toBe(4);
      seen.push(...record.edges.map((edge) => edge.node.title));
      if (!record.pageInfo.hasNextPage) break;
      after = record.pageInfo.endCursor;
    }
    expect(seen).toEqual(['valid 4', 'valid 3', 'valid 2', 'valid 1']);
  });

  it('a result stored filed before its recording (older data) can be filed again, and then is shown', async () => {
    s.at('2024-03-09T10:00:00.000Z');
    const nhsNumber = await newPatient();
    const id = await s.addEntry(practice, nhsNumber, 'letter', 'CLINICAL_LETTER');
    const records = supergraph.subgraphs.records.database.dataSource;
    const early = Date.parse('2024-03-09T09:00:00.000Z');
    await records.query(`UPDATE record_entry SET filed_at = ${early}, available_at = ${early} WHERE id = '${id}'`);
    s.at('2024-03-09T10:10:00.000Z');
    expect((await s.patientSees(nhsNumber)).titles).toEqual([]);
    expect((await s.fileEntry(practice, id)) as unknown).toEqual({ fileRecordEntry: { filedAt: '2024-03-09T10:10:00.000Z' } });
    s.at('2024-03-09T10:20:00.000Z');
    expect((await s.patientSees(nhsNumber)).titles).toEqual(['letter']);
    expect(
      codes(await s.as(Scenario.clinician(practice), `mutation($id: ID!) { fileRecordEntry(id: $id) { id } }`, { id })),
    ).toEqual(['CONFLICT']);
  });
  it('records serves its figures on its metrics port: no rule disagreement in all of the above', async () => {
    const response = await fetch(supergraph.subgraphs.records.metricsUrl!);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^records_visibility_rule_disagreements_total 0$/m);
  });
});

describe('an entry near a pause, with the rollout clock ahead of the records clock', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81021';
  const patient = '9990001472';

  afterEach(() => supergraph?.stop());

  it('just after a switch-on stamped by a rollout clock 20 s ahead, the view answers rather than failing the practice', async () => {
    supergraph = await startSupergraph({ now: '2024-05-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'TPP');
    await s.registerPatient(practice, patient);
    supergraph.skewClock('rollout', 20_000);
    await s.switchOn(practice, 'TPP');
    // Records' now is before the switch-on rollout stamped: within the tolerance, so accepted.
    expect(await s.patientSees(patient)).toMatchObject({ state: 'VISIBLE', titles: [], totalCount: 0 });
  });

  // Rollout's clock 20 s fast (within the skew each subgraph accepts): the pause really happens
  // at 12:00:00, rollout stamps it 12:00:20, and an entry written at 12:00:10 by the records
  // clock came after the pause. Resumed later, it must stay hidden.
  it.each([
    // Without a tolerance the entry leaks (the defect); with the default one it stays hidden.
    [0, ['written just after the pause', 'before the pause']],
    [60_000, ['before the pause']],
  ])('with a tolerance of %d ms, the patient sees %j after the resume', async (clockToleranceMs, expected) => {
    supergraph = await startSupergraph({ now: '2024-05-01T09:00:00.000Z', clockToleranceMs });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'TPP');
    await s.switchOn(practice, 'TPP');
    await s.registerPatient(practice, patient);
    s.at('2024-05-02T09:00:00.000Z');
    await s.addEntry(practice, patient, 'before the pause');
    supergraph.skewClock('rollout', 20_000);
    s.at('2024-05-02T12:00:00.000Z');
    await s.pause(practice, 'Clinical safety review', 'TPP');
    s.at('2024-05-02T12:00:10.000Z');
    await s.addEntry(practice, patient, 'written just after the pause');
    s.at('2024-05-03T09:00:00.000Z');
    await s.resume(practice, null, 'TPP');
    s.at('2024-05-03T10:00:00.000Z');
    expect((await s.patientSees(patient)).titles).toEqual(expected);
  });
});
