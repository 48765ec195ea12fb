import type { TokenRequest } from '../../gateway/token-claims';
import { AccessLogEntity, type AccessLogRow } from '../../subgraphs/records/entities/access-log';
import { ChangeLogEntity } from '../../subgraphs/records/entities/change-log';
import { PatientEntity } from '../../subgraphs/records/entities/patient';
import { capturedLogger } from '../helpers/captured-logger';
import { testNhsNumbers } from '../helpers/bulk-records';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * Finding 1 (registration takeover) and finding 8 (audit gaps), through the gateway over real
 * HTTP: a clinician never moves a patient registered elsewhere; only the national registration
 * service does, and the patient's log says so; every refusal reads alike, is logged and is
 * limited per clinician; every read of entry content and every refused write is in the
 * patient's log, and repeated refusals cannot flood it.
 */
describe('registration and audit, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const { logger, lines: logLines } = capturedLogger('info');
  const HOME = 'A85001';
  const OTHER = 'A85002';
  const DOB = '1971-06-15';
  const numbers = testNhsNumbers(60, 5_000);
  let nextNumber = 0;
  const freshNhsNumber = () => numbers[nextNumber++]!;
  let nextClinician = 0;
  /** A clinician of their own (so one test's refusals never count against another's limit). */
  const clinicianAt = (odsCode: string): TokenRequest => ({
    role: 'clinician',
    odsCode,
    subject: `gp-${odsCode}-${(nextClinician += 1)}`,
  });
  const REGISTER = `mutation($input: RegisterPatientInput!) { registerPatient(input: $input) { nhsNumber registeredAt } }`;
  const TRANSFER = `mutation($input: RegisterPatientInput!) { transferRegistration(input: $input) { nhsNumber registeredAt registeredPractice { odsCode } } }`;
  const LOOKUP = `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber registeredAt clinicalRecord { totalCount } } }`;
  const register = (as: TokenRequest, nhsNumber: string, odsCode: string, dateOfBirth = DOB) =>
    s.as<{ registerPatient: { nhsNumber: string; registeredAt: string } }>(as, REGISTER, {
      input: { nhsNumber, odsCode, dateOfBirth },
    });

  const records = () => supergraph.subgraphs.records.database.dataSource;
  const logOf = (nhsNumber: string): Promise<AccessLogRow[]> =>
    records()
      .getRepository(AccessLogEntity)
      .find({ where: { nhsNumber }, order: { id: 'ASC' } });
  async function rowsAddedBy(nhsNumber: string, request: () => Promise<unknown>) {
    const before = (await logOf(nhsNumber)).length;
    await request();
    return (await logOf(nhsNumber))
      .slice(before)
      .map(({ actorRole, actorId, view, entryCount, outcome }) => ({ actorRole, actorId, view, entryCount, outcome }));
  }
  /** Where the records subgraph holds the patient: practice and registration instant. */
  const registration = async (nhsNumber: string) => {
    const row = await records().getRepository(PatientEntity).findOneBy({ nhsNumber });
    return row && { odsCode: row.odsCode, registeredAt: row.registeredAt.getTime() };
  };
  /** A parameter placeholder of the records database (SQLite by default, PostgreSQL when asked). */
  const param = () => (records().options.type === 'postgres' ? '$1' : '?');
  /** What a refusal says, for comparing refusals with each other. */
  const refusal = (response: GraphQLResponse) => ({
    status: response.status,
    data: response.body.data ?? null,
    errors: response.body.errors?.map((error) => ({ message: error.message, code: error.extensions?.code })),
  });

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-03-01T09:00:00.000Z', logger });
    s = new Scenario(supergraph);
    for (const ods of [HOME, OTHER]) {
      await s.createPractice(ods);
      await s.switchOn(ods);
    }
    s.at('2024-03-02T09:00:00.000Z');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  /** A patient registered at HOME with one entry the patient sees. */
  async function patientAtHome(): Promise<string> {
    const nhsNumber = freshNhsNumber();
    await s.registerPatient(HOME, nhsNumber, DOB);
    await s.addEntry(HOME, nhsNumber, 'Seen at home practice');
    return nhsNumber;
  }

  describe('finding 1: a clinician cannot take a patient over', () => {
    it("refuses another practice's clinician who knows the right date of birth, and leaves the patient where they were", async () => {
      const nhsNumber = await patientAtHome();
      const before = await registration(nhsNumber);
      const response = await register(clinicianAt(OTHER), nhsNumber, OTHER, DOB);
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(response.body.data).toBeNull();
      expect(await registration(nhsNumber)).toEqual(before);
      expect(before!.odsCode).toBe(HOME);
      // The patient's view and the home practice are untouched; the other practice still reads nothing.
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['Seen at home practice']);
      expect(codes(await s.as(clinicianAt(OTHER), LOOKUP, { n: nhsNumber }))).toEqual(['FORBIDDEN']);
      const home = await s.ok<{ patient: { clinicalRecord: { totalCount: number } } }>(Scenario.clinician(HOME), LOOKUP, {
        n: nhsNumber,
      });
      expect(home.patient.clinicalRecord.totalCount).toBe(1);
    });

    it('answers every refusal alike: right date of birth, wrong one, or another practice for someone registered nowhere', async () => {
      const nhsNumber = await patientAtHome();
      const rightDob = refusal(await register(clinicianAt(OTHER), nhsNumber, OTHER, DOB));
      const wrongDob = refusal(await register(clinicianAt(OTHER), nhsNumber, OTHER, '1990-01-01'));
      const notOurs = refusal(await register(clinicianAt(OTHER), freshNhsNumber(), HOME, DOB));
      expect(rightDob.errors?.[0]?.code).toBe('FORBIDDEN');
      expect(rightDob.status).toBe(200);
      expect(wrongDob).toEqual(rightDob);
      expect(notOurs).toEqual(rightDob);
      expect(JSON.stringify(rightDob)).not.toMatch(/date of birth|match/i);
    });

    it('patient(nhsNumber:) answers a patient registered elsewhere exactly as one registered nowhere', async () => {
      const nhsNumber = await patientAtHome();
      const clinician = clinicianAt(OTHER);
      const elsewhere = refusal(await s.as(clinician, LOOKUP, { n: nhsNumber }));
      const nowhere = refusal(await s.as(clinician, LOOKUP, { n: freshNhsNumber() }));
      expect(elsewhere.errors?.map((error) => error.code)).toEqual(['FORBIDDEN']);
      expect(nowhere).toEqual(elsewhere);
    });

    it.each([
      [
        'addRecordEntry',
        `mutation($n: ID!) { addRecordEntry(input: { nhsNumber: $n, type: CONSULTATION_NOTE, title: "x", body: "y" }) { id } }`,
      ],
      ['setOnlineAccessExclusion', `mutation($n: ID!) { setOnlineAccessExclusion(nhsNumber: $n, excluded: true) { nhsNumber } }`],
      [
        'recordPatientOnlineAccessChoice',
        `mutation($n: ID!) { recordPatientOnlineAccessChoice(nhsNumber: $n, wantsAccess: false) { nhsNumber } }`,
      ],
    ])('%s answers a patient registered elsewhere exactly as one registered nowhere', async (_name, mutation) => {
      const nhsNumber = await patientAtHome();
      const clinician = clinicianAt(OTHER);
      const elsewhere = refusal(await s.as(clinician, mutation, { n: nhsNumber }));
      const nowhere = refusal(await s.as(clinician, mutation, { n: freshNhsNumber() }));
      expect(elsewhere.errors?.map((error) => error.code)).toEqual(['FORBIDDEN']);
      expect(nowhere).toEqual(elsewhere);
    });

    it('registering a patient twice at the same practice is CONFLICT and is not counted as a refusal', async () => {
      const clinician = clinicianAt(HOME);
      const nhsNumber = freshNhsNumber();
      expect(codes(await register(clinician, nhsNumber, HOME))).toEqual([]);
      for (let i = 0; i < 12; i += 1) expect(codes(await register(clinician, nhsNumber, HOME))).toEqual(['CONFLICT']);
      expect(codes(await register(clinician, freshNhsNumber(), HOME))).toEqual([]);
    });

    it("logs every refused attempt: a REFUSED row in the patient's log and a server log line without patient data", async () => {
      const nhsNumber = await patientAtHome();
      const clinician = clinicianAt(OTHER);
      const linesBefore = logLines.length;
      const rows = await rowsAddedBy(nhsNumber, () => register(clinician, nhsNumber, OTHER, DOB));
      expect(rows).toEqual([
        { actorRole: 'clinician', actorId: `${OTHER}:${clinician.subject}`, view: 'CLINICAL', entryCount: 0, outcome: 'REFUSED' },
      ]);
      const lines = logLines.slice(linesBefore);
      expect(lines.some((line) => line.includes('refused registerPatient'))).toBe(true);
      expect(lines.join('\n')).not.toContain(nhsNumber);
      expect(lines.join('\n')).not.toContain(DOB);
      // The patient reads it in their own log.
      const own = await s.ok<{ me: { accessLog: { edges: Array<{ node: { actorRole: string; outcome: string } }> } } }>(
        Scenario.patient(nhsNumber),
        '{ me { accessLog(first: 5) { edges { node { actorRole outcome } } } } }',
      );
      expect(own.me.accessLog.edges.map((edge) => edge.node)).toContainEqual({ actorRole: 'clinician', outcome: 'REFUSED' });
    });

    it('limits refused registrations per clinician: past 10 in an hour every registerPatient is RATE_LIMITED, for that clinician only', async () => {
      s.at('2024-03-03T09:00:00.000Z');
      const guesser = clinicianAt(OTHER);
      const nhsNumber = await patientAtHome();
      const answers: string[] = [];
      for (let day = 1; day <= 12; day += 1) {
        const dateOfBirth = `1971-06-${String(day).padStart(2, '0')}`;
        answers.push(codes(await register(guesser, nhsNumber, OTHER, dateOfBirth)).join());
      }
      expect(answers).toEqual([...Array(10).fill('FORBIDDEN'), 'RATE_LIMITED', 'RATE_LIMITED']);
      const limited = await register(guesser, freshNhsNumber(), OTHER);
      expect(codes(limited)).toEqual(['RATE_LIMITED']);
      expect(limited.body.errors?.[0]?.message).toMatch(/too many refused registrations/i);
      expect(limited.status).toBe(200);
      // Another clinician of the same practice is not held back.
      expect(codes(await register(clinicianAt(OTHER), freshNhsNumber(), OTHER))).toEqual([]);
      // The count is kept in the records database, so every instance shares it.
      const [row] = await records().query(`SELECT count FROM attempt_counter WHERE key = ${param()}`, [
        `registration-refused:${OTHER}:${guesser.subject}`,
      ]);
      expect(Number(row.count)).toBe(13); // 10 refused, 3 over the limit
      // An hour on, the clinician may register again.
      s.at('2024-03-03T10:00:00.001Z');
      expect(codes(await register(guesser, freshNhsNumber(), OTHER))).toEqual([]);
      expect((await registration(nhsNumber))!.odsCode).toBe(HOME);
    });
  });

  describe('finding 1: the national registration service moves a patient, and the patient is told', () => {
    it("moves the patient from now, tells them in their own access log, and hands the record to the new practice's clinicians", async () => {
      s.at('2024-03-04T09:00:00.000Z');
      const nhsNumber = await patientAtHome();
      const MOVE = '2024-03-05T09:30:00.000Z';
      s.at(MOVE);
      const moved = await s.ok<{ transferRegistration: unknown }>(Scenario.registration, TRANSFER, {
        input: { nhsNumber, odsCode: OTHER, dateOfBirth: DOB },
      });
      expect(moved.transferRegistration).toEqual({ nhsNumber, registeredAt: MOVE, registeredPractice: { odsCode: OTHER } });

      const own = await s.ok<{
        me: { accessLog: { edges: Array<{ node: { at: string; actorRole: string; outcome: string; entryCount: number } }> } };
      }>(Scenario.patient(nhsNumber), '{ me { accessLog(first: 1) { edges { node { at actorRole outcome entryCount } } } } }');
      expect(own.me.accessLog.edges[0]!.node).toEqual({ at: MOVE, actorRole: 'registration', outcome: 'MOVED', entryCount: 0 });
      const changes = await records().getRepository(ChangeLogEntity).findBy({ nhsNumber, action: 'PATIENT_MOVED' });
      expect(changes).toEqual([expect.objectContaining({ actorRole: 'registration', actorId: 'registration-test' })]);

      expect(await s.patientSees(nhsNumber)).toMatchObject({ visibleFrom: MOVE, titles: [] });
      const atNew = await s.ok<{ patient: { clinicalRecord: { totalCount: number } } }>(Scenario.clinician(OTHER), LOOKUP, {
        n: nhsNumber,
      });
      expect(atNew.patient.clinicalRecord.totalCount).toBe(1);
      expect(codes(await s.as(Scenario.clinician(HOME), LOOKUP, { n: nhsNumber }))).toEqual(['FORBIDDEN']);
    });

    it('the registration service registers a new patient, refuses a wrong date of birth, and a move to where they are', async () => {
      const nhsNumber = freshNhsNumber();
      await s.transferRegistration(HOME, nhsNumber, DOB);
      expect((await registration(nhsNumber))!.odsCode).toBe(HOME);
      const wrong = await s.as(Scenario.registration, TRANSFER, {
        input: { nhsNumber, odsCode: OTHER, dateOfBirth: '1990-01-01' },
      });
      expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
      const same = await s.as(Scenario.registration, TRANSFER, { input: { nhsNumber, odsCode: HOME, dateOfBirth: DOB } });
      expect(codes(same)).toEqual(['CONFLICT']);
      expect((await registration(nhsNumber))!.odsCode).toBe(HOME);
    });

    it.each<[string, TokenRequest]>([
      ['a clinician of the receiving practice', Scenario.clinician(OTHER)],
      ['nhse', Scenario.nhse],
      ['the patient', Scenario.patient('9990001375')],
      ['an analyst', Scenario.analyst],
    ])('refuses transferRegistration by %s (FORBIDDEN), moving no one', async (_who, token) => {
      const nhsNumber = await patientAtHome();
      const before = await registration(nhsNumber);
      const response = await s.as(token, TRANSFER, { input: { nhsNumber, odsCode: OTHER, dateOfBirth: DOB } });
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(await registration(nhsNumber)).toEqual(before);
    });

    it('the registration role reads no record', async () => {
      const nhsNumber = await patientAtHome();
      expect(codes(await s.as(Scenario.registration, LOOKUP, { n: nhsNumber }))).toEqual(['FORBIDDEN']);
    });
  });

  describe('finding 8: the audit', () => {
    it("filing and hiding an entry, whose answers carry its title and body, each leave a READ row in the patient's log", async () => {
      const nhsNumber = await patientAtHome();
      const clinician = Scenario.clinician(HOME);
      const result = await s.addEntry(HOME, nhsNumber, 'HbA1c', 'TEST_RESULT');
      const filed = await rowsAddedBy(nhsNumber, () =>
        s.ok(clinician, `mutation($id: ID!) { fileRecordEntry(id: $id) { title body } }`, { id: result }),
      );
      expect(filed).toEqual([
        { actorRole: 'clinician', actorId: `${HOME}:gp-${HOME}`, view: 'CLINICAL', entryCount: 1, outcome: 'READ' },
      ]);
      const hidden = await rowsAddedBy(nhsNumber, () =>
        s.ok(clinician, `mutation($id: ID!) { hideRecordEntry(id: $id, reason: "Third party") { title body } }`, { id: result }),
      );
      expect(hidden).toEqual(filed);
    });

    it.each<[string, (nhsNumber: string, entryId: string) => [string, Record<string, unknown>]]>([
      [
        'addRecordEntry',
        (n) => [
          `mutation($n: ID!) { addRecordEntry(input: { nhsNumber: $n, type: CONSULTATION_NOTE, title: "x", body: "y" }) { id } }`,
          { n },
        ],
      ],
      ['fileRecordEntry', (_n, id) => [`mutation($id: ID!) { fileRecordEntry(id: $id) { id } }`, { id }]],
      ['hideRecordEntry', (_n, id) => [`mutation($id: ID!) { hideRecordEntry(id: $id, reason: "r") { id } }`, { id }]],
      [
        'setOnlineAccessExclusion',
        (n) => [`mutation($n: ID!) { setOnlineAccessExclusion(nhsNumber: $n, excluded: true) { nhsNumber } }`, { n }],
      ],
      [
        'recordPatientOnlineAccessChoice',
        (n) => [`mutation($n: ID!) { recordPatientOnlineAccessChoice(nhsNumber: $n, wantsAccess: false) { nhsNumber } }`, { n }],
      ],
    ])("%s by another practice's clinician: FORBIDDEN, nothing written, a REFUSED row", async (_name, operation) => {
      const nhsNumber = await patientAtHome();
      const entryId = await s.addEntry(HOME, nhsNumber, 'Letter', 'CLINICAL_LETTER');
      const [query, variables] = operation(nhsNumber, entryId);
      const clinician = clinicianAt(OTHER);
      const STATE = `query($n: ID!) { patient(nhsNumber: $n) { exclusionHistory { kind } clinicalRecord { edges { node { id filedAt hiddenFromPatient } } } } }`;
      const stateBefore = await s.ok(Scenario.clinician(HOME), STATE, { n: nhsNumber });
      let response: GraphQLResponse | undefined;
      const rows = await rowsAddedBy(nhsNumber, async () => {
        response = await s.as(clinician, query, variables);
      });
      expect(codes(response!)).toEqual(['FORBIDDEN']);
      expect(await s.ok(Scenario.clinician(HOME), STATE, { n: nhsNumber })).toEqual(stateBefore);
      expect(rows).toEqual([
        { actorRole: 'clinician', actorId: `${OTHER}:${clinician.subject}`, view: 'CLINICAL', entryCount: 0, outcome: 'REFUSED' },
      ]);
    });

    it("repeated refusals cannot flood a patient's log: one REFUSED row per actor, patient and view an hour", async () => {
      s.at('2024-03-06T09:00:00.000Z');
      const nhsNumber = await patientAtHome();
      const flooder = clinicianAt(OTHER);
      const twenty = Array.from({ length: 20 }, (_, i) => `a${i}: patient(nhsNumber: $n) { nhsNumber }`).join(' ');
      const rows = await rowsAddedBy(nhsNumber, async () => {
        for (let i = 0; i < 5; i += 1)
          expect(codes(await s.as(flooder, `query($n: ID!) { ${twenty} }`, { n: nhsNumber }))).toContain('FORBIDDEN');
      });
      expect(rows).toEqual([
        { actorRole: 'clinician', actorId: `${OTHER}:${flooder.subject}`, view: 'CLINICAL', entryCount: 0, outcome: 'REFUSED' },
      ]);
      // Another actor's refusal is its own row; an hour on, the flooder's next refusal is logged again.
      expect(await rowsAddedBy(nhsNumber, () => s.as(clinicianAt(OTHER), LOOKUP, { n: nhsNumber }))).toHaveLength(1);
      s.at('2024-03-06T10:00:00.001Z');
      expect(await rowsAddedBy(nhsNumber, () => s.as(flooder, LOOKUP, { n: nhsNumber }))).toHaveLength(1);
    });
  });
});
