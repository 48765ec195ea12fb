import { randomUUID } from 'node:crypto';
import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * The records subgraph's public contract (docs/api.md, records.graphql), end to end through
 * the gateway: who may register, write, file, hide and exclude; what each input must look
 * like; which error code each refusal carries; and that a refused request changes nothing
 * and leaks nothing. Every test uses practices and patients of its own and sets the clock
 * it needs, so none depends on another.
 */

// ---------------------------------------------------------------- identifiers

/** The Modulus 11 check digit of nine digits (docs/domain.md); 10 means no valid number. */
function checkDigit(nine: string): number {
  const sum = [...nine].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

let nhsSerial = 100_000;
/** A valid NHS number in the test range, never handed out twice in this file. */
function freshNhsNumber(): string {
  for (;;) {
    const nine = `999${String(nhsSerial++).padStart(6, '0')}`;
    const check = checkDigit(nine);
    if (check !== 10) return `${nine}${check}`;
  }
}

/** Nine digits whose check value is 10: no tenth digit makes them a valid NHS number. */
const CHECK_TEN_NINE = (() => {
  for (let n = 999_000_000; ; n++) if (checkDigit(String(n)) === 10) return String(n);
})();

const INVALID_NHS_NUMBERS: [string, () => string][] = [
  [
    'a wrong check digit',
    () => {
      const valid = freshNhsNumber();
      return `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}`;
    },
  ],
  ['nine digits', () => freshNhsNumber().slice(0, 9)],
  ['letters', () => `${freshNhsNumber().slice(0, 8)}AB`],
  ['a check value of 10', () => `${CHECK_TEN_NINE}0`],
];

let odsSerial = 3000;
const freshOdsCode = (): string => `B8${String(odsSerial++).padStart(4, '0')}`;

// ---------------------------------------------------------------- operations

const TRANSFER = `mutation($input: RegisterPatientInput!) {
  transferRegistration(input: $input) { nhsNumber dateOfBirth registeredAt registeredPractice { odsCode } }
}`;
const REGISTER = `mutation($input: RegisterPatientInput!) {
  registerPatient(input: $input) { nhsNumber dateOfBirth registeredAt registeredPractice { odsCode } }
}`;
const ADD = `mutation($input: AddRecordEntryInput!) {
  addRecordEntry(input: $input) { id type recordedAt filedAt availableAt title body }
}`;
const FILE = `mutation($id: ID!) { fileRecordEntry(id: $id) { id type recordedAt filedAt availableAt title } }`;
const HIDE = `mutation($id: ID!, $r: String!) { hideRecordEntry(id: $id, reason: $r) { id title } }`;
const EXCLUDE = `mutation($n: ID!, $e: Boolean!, $r: String) {
  setOnlineAccessExclusion(nhsNumber: $n, excluded: $e, reason: $r) {
    nhsNumber excludedFromOnlineAccess exclusionHistory { at excluded snomedCode reason } onlineAccess { state visibleFrom }
  }
}`;
const CLINICAL_ENTRY = `id type recordedAt filedAt availableAt title body hiddenFromPatient redactionReason visibleToPatient hiddenReason notVisibleBecause`;
/** Everything a clinician of `odsCode` can read about one patient and about the practice's list. */
const CLINICIAN_STATE = `query($n: ID!) {
  patient(nhsNumber: $n) {
    nhsNumber dateOfBirth registeredAt registeredPractice { odsCode }
    excludedFromOnlineAccess
    exclusionHistory { at excluded snomedCode reason }
    clinicalRecord(first: 100) { totalCount edges { cursor node { ${CLINICAL_ENTRY} } } }
  }
  patients(first: 100) { totalCount edges { node { nhsNumber dateOfBirth registeredAt } } }
}`;
const PRACTICE_LIST = `{ patients(first: 100) { totalCount edges { node { nhsNumber dateOfBirth registeredAt } } } }`;
const PATIENT_STATE = `{ me { nhsNumber onlineAccess { state visibleFrom } record(first: 100) { totalCount edges { node { id title availableAt } } } } }`;

interface ClinicalEntry {
  id: string;
  type: string;
  recordedAt: string;
  filedAt: string | null;
  availableAt: string | null;
  title: string;
  body: string;
  hiddenFromPatient: boolean;
  redactionReason: string | null;
  visibleToPatient: boolean;
  hiddenReason: string | null;
  notVisibleBecause: string[];
}
interface PatientState {
  nhsNumber: string;
  dateOfBirth: string;
  registeredAt: string;
  registeredPractice: { odsCode: string };
  excludedFromOnlineAccess: boolean;
  exclusionHistory: { at: string; excluded: boolean; snomedCode: string; reason: string | null }[];
  clinicalRecord: { totalCount: number; edges: { cursor: string; node: ClinicalEntry }[] };
}
interface EntryResult {
  id: string;
  type: string;
  recordedAt: string;
  filedAt: string | null;
  availableAt: string | null;
  title: string;
  body: string;
}

const SNOMED_EXCLUDED = '1364731000000104';
const SNOMED_LIFTED = '1364751000000106';

// ---------------------------------------------------------------- leak checks

const ANY_NHS_NUMBER = /(?<!\d)\d{10}(?!\d)/;
const STACK_TRACE = /\.(?:ts|js):\d+(?::\d+)?|\bat [\w$.<>]+ \(|"stack"|stacktrace|exception/i;
const SQL =
  /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|RETURNING)\b|QueryFailedError|SQLITE_|duplicate key|violates|relation "|no such (?:table|column)/;

/** A refused response names the problem and nothing else: no NHS number, stack, SQL or URL. */
function expectNoLeak(response: GraphQLResponse): void {
  // The request id is a random UUID, whose digits may run to ten: it is not patient data.
  const text = JSON.stringify(response.body, (key, value: unknown) => (key === 'requestId' ? undefined : value));
  expect(text).not.toMatch(ANY_NHS_NUMBER);
  expect(text).not.toMatch(STACK_TRACE);
  expect(text).not.toMatch(SQL);
  expect(text).not.toContain('http://');
}

/** The request was refused with exactly this code, returned no data, and leaked nothing. */
function expectRefused(response: GraphQLResponse, code: string, options: { leakCheck?: boolean } = {}): void {
  expect(codes(response)).toEqual([code]);
  const data = response.body.data;
  expect(data == null || Object.values(data).every((value) => value === null)).toBe(true);
  if (options.leakCheck !== false) expectNoLeak(response);
}

/** Two answers that must not differ but in their request ids (random, one per request: they tell nothing). */
function withoutRequestIds(body: GraphQLResponse['body']): GraphQLResponse['body'] {
  if (!body.errors) return body;
  return {
    ...body,
    errors: body.errors.map((error) => {
      const { requestId: _requestId, ...extensions } = error.extensions ?? {};
      return { ...error, extensions };
    }),
  };
}

describe('the records contract, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    // The contract's cases stand at the exact boundary instants; the clock tolerance has its own tests.
    supergraph = await startSupergraph({
      now: '2024-01-15T12:00:00.000Z',
      appRateLimit: { perSecond: 1000, burst: 1000 },
      clockToleranceMs: 0,
    });
    s = new Scenario(supergraph);
    // Its trusted operations: the documents the cases below have it send.
    await s.approveApp('approved-app-test', ['record:read'], 'App approved-app-test', [
      `{ me { nhsNumber record { totalCount edges { node { title } } } } }`,
      `{ me { record { totalCount } } }`,
    ]);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  // ------------------------------------------------------------ helpers

  const clinician = (odsCode: string): TokenRequest => Scenario.clinician(odsCode);
  const app = (nhsNumber: string, options: { scope?: string; identityLevel?: string } = {}): TokenRequest => ({
    role: 'app',
    clientId: 'approved-app-test',
    nhsNumber,
    identityLevel: options.identityLevel ?? 'P9',
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });

  /** A new practice of its own; switched on now when asked. */
  async function newPractice(options: { switchedOn?: boolean; supplier?: string } = {}): Promise<string> {
    const odsCode = freshOdsCode();
    await s.createPractice(odsCode, options.supplier ?? 'EMIS');
    if (options.switchedOn) await s.switchOn(odsCode, options.supplier ?? 'EMIS');
    return odsCode;
  }

  /** A new patient registered now at the practice. */
  async function newPatient(odsCode: string, dateOfBirth = '1980-04-12'): Promise<string> {
    const nhsNumber = freshNhsNumber();
    await s.registerPatient(odsCode, nhsNumber, dateOfBirth);
    return nhsNumber;
  }

  async function addEntry(odsCode: string, nhsNumber: string, input: Record<string, unknown>): Promise<EntryResult> {
    const data = await s.ok<{ addRecordEntry: EntryResult }>(clinician(odsCode), ADD, {
      input: { nhsNumber, type: 'CONSULTATION_NOTE', title: 'An entry', body: 'Its body', ...input },
    });
    return data.addRecordEntry;
  }

  /** What the clinician of `odsCode` reads about the patient (null when not registered anywhere). */
  async function patientAt(odsCode: string, nhsNumber: string): Promise<PatientState | null> {
    return (await s.ok<{ patient: PatientState | null }>(clinician(odsCode), CLINICIAN_STATE, { n: nhsNumber })).patient;
  }

  async function clinicalEntry(odsCode: string, nhsNumber: string, id: string): Promise<ClinicalEntry> {
    const entry = (await patientAt(odsCode, nhsNumber))?.clinicalRecord.edges.find((edge) => edge.node.id === id)?.node;
    if (!entry) throw new Error(`entry ${id} is not in the clinical view`);
    return entry;
  }

  /**
   * Everything the API says about a patient and a practice: the clinician's full reading of the
   * patient (row, clinical view, exclusions) and of the practice's list, and the patient's own
   * view. Whole response bodies, so a refusal that turns into a success also shows.
   */
  async function stateOf(odsCode: string, nhsNumber?: string): Promise<unknown> {
    if (nhsNumber === undefined || !/^\d{10}$/.test(nhsNumber)) {
      return withoutRequestIds((await s.as(clinician(odsCode), PRACTICE_LIST)).body);
    }
    const [clinical, own] = await Promise.all([
      s.as(clinician(odsCode), CLINICIAN_STATE, { n: nhsNumber }),
      s.as(Scenario.patient(nhsNumber), PATIENT_STATE),
    ]);
    return { clinical: withoutRequestIds(clinical.body), patient: withoutRequestIds(own.body) };
  }

  /**
   * Reads every watched state, makes the request, expects it refused with `code`, and reads
   * the states again: they must be exactly as before.
   */
  async function refusedWithoutChange(
    code: string,
    watched: [odsCode: string, nhsNumber?: string][],
    request: () => Promise<GraphQLResponse>,
    options: { leakCheck?: boolean } = {},
  ): Promise<GraphQLResponse> {
    const before = await Promise.all(watched.map(([odsCode, nhsNumber]) => stateOf(odsCode, nhsNumber)));
    const response = await request();
    expectRefused(response, code, options);
    const after = await Promise.all(watched.map(([odsCode, nhsNumber]) => stateOf(odsCode, nhsNumber)));
    expect(after).toEqual(before);
    return response;
  }

  const register = (as: TokenRequest, input: Record<string, unknown>) =>
    s.as<{ registerPatient: unknown }>(as, REGISTER, { input });
  const add = (as: TokenRequest, input: Record<string, unknown>) => s.as<{ addRecordEntry: EntryResult }>(as, ADD, { input });
  const file = (as: TokenRequest, id: string) => s.as<{ fileRecordEntry: EntryResult }>(as, FILE, { id });
  const hide = (as: TokenRequest, id: string, reason: string) => s.as(as, HIDE, { id, r: reason });
  const exclude = (as: TokenRequest, nhsNumber: string, excluded: boolean, reason: string | null = null) =>
    s.as<{
      setOnlineAccessExclusion: Pick<PatientState, 'nhsNumber' | 'excludedFromOnlineAccess' | 'exclusionHistory'> & {
        onlineAccess: { state: string; visibleFrom: string | null };
      };
    }>(as, EXCLUDE, { n: nhsNumber, e: excluded, r: reason });

  // ------------------------------------------------------------ registerPatient

  describe('registerPatient', () => {
    it("registers a patient at the clinician's own practice from the server's clock, echoing the date of birth", async () => {
      s.at('2024-02-01T10:11:12.345Z');
      const odsCode = await newPractice();
      const nhsNumber = freshNhsNumber();
      const data = await s.ok<{ registerPatient: unknown }>(clinician(odsCode), REGISTER, {
        input: { nhsNumber, odsCode, dateOfBirth: '2006-05-17' },
      });
      expect(data.registerPatient).toEqual({
        nhsNumber,
        dateOfBirth: '2006-05-17',
        registeredAt: '2024-02-01T10:11:12.345Z',
        registeredPractice: { odsCode },
      });
      expect(await patientAt(odsCode, nhsNumber)).toEqual({
        nhsNumber,
        dateOfBirth: '2006-05-17',
        registeredAt: '2024-02-01T10:11:12.345Z',
        registeredPractice: { odsCode },
        excludedFromOnlineAccess: false,
        exclusionHistory: [],
        clinicalRecord: { totalCount: 0, edges: [] },
      });
    });

    it('accepts a baby born today in England, although the UTC date is still yesterday', async () => {
      s.at('2024-06-30T23:30:00.000Z'); // 00:30 on 1 July in London (BST)
      const odsCode = await newPractice();
      const nhsNumber = freshNhsNumber();
      const data = await s.ok<{ registerPatient: { dateOfBirth: string } }>(clinician(odsCode), REGISTER, {
        input: { nhsNumber, odsCode, dateOfBirth: '2024-07-01' },
      });
      expect(data.registerPatient.dateOfBirth).toBe('2024-07-01');
    });

    it('refuses to register a patient at another practice (FORBIDDEN), and registers no one anywhere', async () => {
      s.at('2024-02-02T09:00:00.000Z');
      const own = await newPractice();
      const other = await newPractice();
      const nhsNumber = freshNhsNumber();
      await refusedWithoutChange(
        'FORBIDDEN',
        [
          [own, nhsNumber],
          [other, nhsNumber],
        ],
        () => register(clinician(own), { nhsNumber, odsCode: other, dateOfBirth: '1990-01-01' }),
      );
    });

    it.each<[string, (nhsNumber: string) => TokenRequest]>([
      ['the patient themself', (nhsNumber) => Scenario.patient(nhsNumber)],
      ['nhse', () => Scenario.nhse],
      ['an analyst', () => Scenario.analyst],
      ["the practice's supplier", () => Scenario.supplier('EMIS')],
    ])('refuses registration by %s (FORBIDDEN)', async (_who, token) => {
      s.at('2024-02-03T09:00:00.000Z');
      const odsCode = await newPractice();
      const nhsNumber = freshNhsNumber();
      await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () =>
        register(token(nhsNumber), { nhsNumber, odsCode, dateOfBirth: '1990-01-01' }),
      );
    });

    it.each(INVALID_NHS_NUMBERS)('refuses an NHS number with %s (BAD_USER_INPUT)', async (_what, invalid) => {
      s.at('2024-02-04T09:00:00.000Z');
      const odsCode = await newPractice();
      const nhsNumber = invalid();
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode]], () =>
        register(clinician(odsCode), { nhsNumber, odsCode, dateOfBirth: '1990-01-01' }),
      );
    });

    it.each([['A8100'], ['A810011'], ['a81001'], ['181001'], ['AB1001'], [' A81001'], ['']])(
      'refuses the malformed ODS code "%s" (BAD_USER_INPUT)',
      async (malformed) => {
        s.at('2024-02-05T09:00:00.000Z');
        const odsCode = await newPractice();
        const nhsNumber = freshNhsNumber();
        await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () =>
          register(clinician(odsCode), { nhsNumber, odsCode: malformed, dateOfBirth: '1990-01-01' }),
        );
      },
    );

    it.each([
      ['a day that does not exist', '2006-02-30'],
      ['a day/month/year date', '17/05/2006'],
      ['a date without leading zeros', '2006-5-17'],
      ['a date and time', '2006-05-17T00:00:00.000Z'],
      ['an empty string', ''],
      ['tomorrow', '2024-02-07'],
      ['next year', '2025-01-01'],
    ])('refuses a date of birth that is %s (BAD_USER_INPUT)', async (_what, dateOfBirth) => {
      s.at('2024-02-06T09:00:00.000Z');
      const odsCode = await newPractice();
      const nhsNumber = freshNhsNumber();
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () =>
        register(clinician(odsCode), { nhsNumber, odsCode, dateOfBirth }),
      );
    });

    it('refuses tomorrow in England as a date of birth, although it is still today in UTC (BAD_USER_INPUT)', async () => {
      s.at('2024-06-30T23:30:00.000Z'); // 1 July in London
      const odsCode = await newPractice();
      const nhsNumber = freshNhsNumber();
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () =>
        register(clinician(odsCode), { nhsNumber, odsCode, dateOfBirth: '2024-07-02' }),
      );
    });

    it('refuses a patient already registered here (CONFLICT), keeping the original registration instant', async () => {
      s.at('2024-02-07T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode, '1975-03-03');
      await addEntry(odsCode, nhsNumber, { title: 'before the second registration' });
      s.at('2024-02-08T09:00:00.000Z');
      await refusedWithoutChange('CONFLICT', [[odsCode, nhsNumber]], () =>
        register(clinician(odsCode), { nhsNumber, odsCode, dateOfBirth: '1975-03-03' }),
      );
      expect((await patientAt(odsCode, nhsNumber))!.registeredAt).toBe('2024-02-07T09:00:00.000Z');
    });

    it('registers a patient once when three registrations race: one succeeds, the others get CONFLICT, and its date of birth stands', async () => {
      s.at('2024-02-09T09:00:00.000Z');
      const odsCode = await newPractice();
      const births = ['1980-01-01', '1981-01-01', '1982-01-01'];
      const outcomes: string[] = [];
      for (let round = 0; round < 10; round++) {
        const nhsNumber = freshNhsNumber();
        const responses = await Promise.all(
          births.map((dateOfBirth) => register(clinician(odsCode), { nhsNumber, odsCode, dateOfBirth })),
        );
        const winners = responses.flatMap((response, i) => (codes(response).length === 0 ? [births[i]] : []));
        const losers = responses.flatMap((response) => codes(response));
        const stored = (await patientAt(odsCode, nhsNumber))?.dateOfBirth;
        outcomes.push(
          `${winners.length} registered, refused with [${losers.sort().join(',')}], stored ${stored === winners[0] ? 'the winner' : stored}`,
        );
      }
      expect(outcomes).toEqual(Array(10).fill('1 registered, refused with [CONFLICT,CONFLICT], stored the winner'));
    });

    it("a move (by the national registration service, never a clinician): registered from now, earlier entries leave the patient view, the new practice's clinicians see them", async () => {
      s.at('2024-02-10T09:00:00.000Z');
      const from = await newPractice({ switchedOn: true });
      const to = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(from, '1970-01-01');
      s.at('2024-02-11T09:00:00.000Z');
      const earlier = await addEntry(from, nhsNumber, { title: 'written at the first practice' });
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['written at the first practice']);

      const MOVE = '2024-02-20T09:30:00.000Z';
      s.at(MOVE);
      // The receiving practice's clinician, even with the right date of birth, moves no one (decision 0030).
      await refusedWithoutChange('FORBIDDEN', [[from, nhsNumber], [to]], () =>
        register(clinician(to), { nhsNumber, odsCode: to, dateOfBirth: '1970-01-01' }),
      );
      const moved = await s.ok<{ transferRegistration: unknown }>(Scenario.registration, TRANSFER, {
        input: { nhsNumber, odsCode: to, dateOfBirth: '1970-01-01' },
      });
      expect(moved.transferRegistration).toEqual({
        nhsNumber,
        dateOfBirth: '1970-01-01',
        registeredAt: MOVE,
        registeredPractice: { odsCode: to },
      });

      expect(await s.patientSees(nhsNumber)).toEqual({ state: 'VISIBLE', visibleFrom: MOVE, titles: [], totalCount: 0 });
      const atNewPractice = await patientAt(to, nhsNumber);
      expect(atNewPractice!.clinicalRecord.totalCount).toBe(1);
      expect(atNewPractice!.clinicalRecord.edges[0]!.node).toMatchObject({
        id: earlier.id,
        title: 'written at the first practice',
        visibleToPatient: false,
        notVisibleBecause: ['BEFORE_REGISTRATION'],
      });
      await refusedWithoutChange('FORBIDDEN', [[to, nhsNumber], [from]], () =>
        s.as(clinician(from), `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber } }`, { n: nhsNumber }),
      );
      await refusedWithoutChange('FORBIDDEN', [[to, nhsNumber], [from]], () =>
        add(clinician(from), { nhsNumber, type: 'CONSULTATION_NOTE', title: 'By the former practice', body: 'x' }),
      );

      s.at('2024-02-21T09:00:00.000Z');
      await addEntry(to, nhsNumber, { title: 'written at the new practice' });
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['written at the new practice']);
    });

    it("refuses the registration service's move with a different date of birth (BAD_USER_INPUT), leaving the patient where they were", async () => {
      s.at('2024-02-12T09:00:00.000Z');
      const from = await newPractice({ switchedOn: true });
      const to = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(from, '1970-01-01');
      await addEntry(from, nhsNumber, { title: 'still at the first practice' });
      s.at('2024-02-13T09:00:00.000Z');
      await refusedWithoutChange('BAD_USER_INPUT', [[from, nhsNumber], [to]], () =>
        s.as(Scenario.registration, TRANSFER, { input: { nhsNumber, odsCode: to, dateOfBirth: '1970-01-02' } }),
      );
      expect((await patientAt(from, nhsNumber))!.registeredPractice).toEqual({ odsCode: from });
    });
  });

  // ------------------------------------------------------------ addRecordEntry

  describe('addRecordEntry', () => {
    it("records the entry at the server's clock, and the input has no field to set it", async () => {
      s.at('2024-03-01T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-03-02T08:09:10.111Z');
      // (What the refusal's message says is checked under "errors".)
      await refusedWithoutChange(
        'BAD_USER_INPUT',
        [[odsCode, nhsNumber]],
        () =>
          add(clinician(odsCode), {
            nhsNumber,
            type: 'DIAGNOSIS',
            title: 'Backdated',
            body: 'x',
            recordedAt: '2024-01-01T00:00:00.000Z',
          }),
        { leakCheck: false },
      );
      const entry = await addEntry(odsCode, nhsNumber, { type: 'DIAGNOSIS', title: 'Asthma' });
      expect(entry).toMatchObject({
        recordedAt: '2024-03-02T08:09:10.111Z',
        filedAt: null,
        availableAt: '2024-03-02T08:09:10.111Z',
      });
      expect(await clinicalEntry(odsCode, nhsNumber, entry.id)).toMatchObject({
        recordedAt: '2024-03-02T08:09:10.111Z',
        availableAt: '2024-03-02T08:09:10.111Z',
        visibleToPatient: true,
        notVisibleBecause: [],
      });
    });

    it.each([['TEST_RESULT'], ['CLINICAL_LETTER']])(
      'takes a %s unfiled: no filedAt, no availableAt, not in the patient view',
      async (type) => {
        s.at('2024-03-03T09:00:00.000Z');
        const odsCode = await newPractice({ switchedOn: true });
        const nhsNumber = await newPatient(odsCode);
        s.at('2024-03-03T10:00:00.000Z');
        const entry = await addEntry(odsCode, nhsNumber, { type, title: `An unfiled ${type}` });
        expect(entry).toMatchObject({ type, recordedAt: '2024-03-03T10:00:00.000Z', filedAt: null, availableAt: null });
        expect(await clinicalEntry(odsCode, nhsNumber, entry.id)).toMatchObject({
          filedAt: null,
          availableAt: null,
          visibleToPatient: false,
          notVisibleBecause: ['NOT_FILED'],
        });
        expect(await s.patientSees(nhsNumber)).toMatchObject({ state: 'VISIBLE', titles: [], totalCount: 0 });
      },
    );

    it.each([['APPOINTMENT'], ['CONSULTATION_NOTE'], ['DIAGNOSIS'], ['MEDICATION']])(
      'makes a %s available at the instant it is recorded',
      async (type) => {
        s.at('2024-03-04T09:00:00.000Z');
        const odsCode = await newPractice({ switchedOn: true });
        const nhsNumber = await newPatient(odsCode);
        s.at('2024-03-04T10:00:00.000Z');
        const entry = await addEntry(odsCode, nhsNumber, { type, title: `A ${type}` });
        expect(entry).toMatchObject({
          type,
          recordedAt: '2024-03-04T10:00:00.000Z',
          filedAt: null,
          availableAt: '2024-03-04T10:00:00.000Z',
        });
        expect((await s.patientSees(nhsNumber)).titles).toEqual([`A ${type}`]);
      },
    );

    it('accepts a title of exactly 200 characters and a body of exactly 100,000', async () => {
      s.at('2024-03-05T09:00:00.000Z');
      const odsCode = await newPractice();
      const nhsNumber = await newPatient(odsCode);
      const entry = await addEntry(odsCode, nhsNumber, { title: 't'.repeat(200), body: 'b'.repeat(100_000) });
      expect(entry.title).toHaveLength(200);
      expect(entry.body).toHaveLength(100_000);
    });

    it.each<[string, Record<string, unknown>]>([
      ['an empty title', { title: '' }],
      ['a blank title', { title: '   ' }],
      ['a title of 201 characters', { title: 't'.repeat(201) }],
      ['an empty body', { body: '' }],
      ['a body of white space', { body: ' \n\t ' }],
      ['a body over 100,000 characters', { body: 'b'.repeat(100_001) }],
      ['hiddenFromPatient without hiddenReason', { hiddenFromPatient: true }],
      ['hiddenFromPatient with a blank hiddenReason', { hiddenFromPatient: true, hiddenReason: '   ' }],
      ['hiddenReason without hiddenFromPatient', { hiddenReason: 'Third-party information' }],
      ['hiddenReason with hiddenFromPatient false', { hiddenFromPatient: false, hiddenReason: 'Third-party information' }],
      ['an unknown entry type', { type: 'REFERRAL' }],
    ])('refuses an entry with %s (BAD_USER_INPUT)', async (_what, override) => {
      s.at('2024-03-06T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      await addEntry(odsCode, nhsNumber, { title: 'already there' });
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () =>
        add(clinician(odsCode), { nhsNumber, type: 'CONSULTATION_NOTE', title: 'A title', body: 'A body', ...override }),
      );
    });

    it('takes an entry hidden from the start, with its reason, and keeps it from the patient', async () => {
      s.at('2024-03-07T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const entry = await addEntry(odsCode, nhsNumber, {
        title: 'Safeguarding note',
        hiddenFromPatient: true,
        hiddenReason: 'Safeguarding',
      });
      expect(await clinicalEntry(odsCode, nhsNumber, entry.id)).toMatchObject({
        hiddenFromPatient: true,
        redactionReason: 'Safeguarding',
        visibleToPatient: false,
        notVisibleBecause: ['HIDDEN'],
      });
      expect((await s.patientSees(nhsNumber)).titles).toEqual([]);
    });

    it("refuses an entry for another practice's patient (FORBIDDEN)", async () => {
      s.at('2024-03-08T09:00:00.000Z');
      const theirs = await newPractice({ switchedOn: true });
      const mine = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(theirs);
      await addEntry(theirs, nhsNumber, { title: 'by their own practice' });
      await refusedWithoutChange('FORBIDDEN', [[theirs, nhsNumber], [mine]], () =>
        add(clinician(mine), { nhsNumber, type: 'CONSULTATION_NOTE', title: 'Intruding', body: 'x' }),
      );
    });

    it('refuses an entry for a patient registered nowhere as for one elsewhere (FORBIDDEN), and keeps none for later', async () => {
      s.at('2024-03-09T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = freshNhsNumber();
      await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () =>
        add(clinician(odsCode), { nhsNumber, type: 'CONSULTATION_NOTE', title: 'For nobody', body: 'x' }),
      );
      await s.registerPatient(odsCode, nhsNumber);
      expect((await patientAt(odsCode, nhsNumber))!.clinicalRecord).toEqual({ totalCount: 0, edges: [] });
    });

    it.each(INVALID_NHS_NUMBERS)('refuses an entry for an NHS number with %s (BAD_USER_INPUT)', async (_what, invalid) => {
      s.at('2024-03-10T09:00:00.000Z');
      const odsCode = await newPractice();
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode]], () =>
        add(clinician(odsCode), { nhsNumber: invalid(), type: 'CONSULTATION_NOTE', title: 'x', body: 'x' }),
      );
    });

    it.each<[string, (nhsNumber: string) => TokenRequest]>([
      ['the patient themself', (nhsNumber) => Scenario.patient(nhsNumber)],
      ['nhse', () => Scenario.nhse],
      ['an analyst', () => Scenario.analyst],
      ["the practice's supplier", () => Scenario.supplier('EMIS')],
    ])('refuses an entry written by %s (FORBIDDEN)', async (_who, token) => {
      s.at('2024-03-11T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () =>
        add(token(nhsNumber), { nhsNumber, type: 'CONSULTATION_NOTE', title: 'Not a clinician', body: 'x' }),
      );
    });
  });

  // ------------------------------------------------------------ fileRecordEntry

  describe('fileRecordEntry', () => {
    it('files a result now: filedAt and availableAt are the clock, and the patient sees it from then', async () => {
      s.at('2024-04-01T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-04-01T10:00:00.000Z');
      const result = await addEntry(odsCode, nhsNumber, { type: 'TEST_RESULT', title: 'Full blood count' });
      s.at('2024-04-02T11:22:33.444Z');
      const filed = await s.ok<{ fileRecordEntry: EntryResult }>(clinician(odsCode), FILE, { id: result.id });
      expect(filed.fileRecordEntry).toEqual({
        id: result.id,
        type: 'TEST_RESULT',
        recordedAt: '2024-04-01T10:00:00.000Z',
        filedAt: '2024-04-02T11:22:33.444Z',
        availableAt: '2024-04-02T11:22:33.444Z',
        title: 'Full blood count',
      });
      expect(await clinicalEntry(odsCode, nhsNumber, result.id)).toMatchObject({
        filedAt: '2024-04-02T11:22:33.444Z',
        visibleToPatient: true,
      });
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['Full blood count']);
    });

    it.each([['CONSULTATION_NOTE'], ['APPOINTMENT'], ['DIAGNOSIS'], ['MEDICATION']])(
      'refuses to file a %s: only results and letters are filed (BAD_USER_INPUT)',
      async (type) => {
        s.at('2024-04-03T09:00:00.000Z');
        const odsCode = await newPractice({ switchedOn: true });
        const nhsNumber = await newPatient(odsCode);
        const entry = await addEntry(odsCode, nhsNumber, { type, title: `A ${type}` });
        s.at('2024-04-03T10:00:00.000Z');
        await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () => file(clinician(odsCode), entry.id));
      },
    );

    it('refuses to file the same letter twice (CONFLICT), keeping the first filing instant', async () => {
      s.at('2024-04-04T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const letter = await addEntry(odsCode, nhsNumber, { type: 'CLINICAL_LETTER', title: 'Discharge letter' });
      s.at('2024-04-04T10:00:00.000Z');
      await s.fileEntry(odsCode, letter.id);
      s.at('2024-04-05T10:00:00.000Z');
      await refusedWithoutChange('CONFLICT', [[odsCode, nhsNumber]], () => file(clinician(odsCode), letter.id));
      expect((await clinicalEntry(odsCode, nhsNumber, letter.id)).filedAt).toBe('2024-04-04T10:00:00.000Z');
    });

    it("refuses to file another practice's result (FORBIDDEN)", async () => {
      s.at('2024-04-06T09:00:00.000Z');
      const theirs = await newPractice({ switchedOn: true });
      const mine = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(theirs);
      const result = await addEntry(theirs, nhsNumber, { type: 'TEST_RESULT', title: 'Their result' });
      await refusedWithoutChange('FORBIDDEN', [[theirs, nhsNumber], [mine]], () => file(clinician(mine), result.id));
    });

    it.each<[string, (nhsNumber: string) => TokenRequest]>([
      ['the patient themself', (nhsNumber) => Scenario.patient(nhsNumber)],
      ['nhse', () => Scenario.nhse],
      ["the practice's supplier", () => Scenario.supplier('EMIS')],
    ])('refuses filing by %s (FORBIDDEN)', async (_who, token) => {
      s.at('2024-04-07T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const result = await addEntry(odsCode, nhsNumber, { type: 'TEST_RESULT', title: 'A result' });
      await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () => file(token(nhsNumber), result.id));
    });

    it('refuses an id no entry has (NOT_FOUND)', async () => {
      s.at('2024-04-08T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      await addEntry(odsCode, nhsNumber, { type: 'TEST_RESULT', title: 'A result' });
      await refusedWithoutChange('NOT_FOUND', [[odsCode, nhsNumber]], () => file(clinician(odsCode), randomUUID()));
    });

    it.each([['not-an-id'], ['12345'], [''], ["'; DROP TABLE record_entry; --"]])(
      'refuses the id "%s", which is not a UUID (BAD_USER_INPUT)',
      async (id) => {
        s.at('2024-04-09T09:00:00.000Z');
        const odsCode = await newPractice({ switchedOn: true });
        const nhsNumber = await newPatient(odsCode);
        await addEntry(odsCode, nhsNumber, { type: 'TEST_RESULT', title: 'A result' });
        await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () => file(clinician(odsCode), id));
      },
    );

    it('shows a result filed at the exact switch-on instant; one filed 1 ms before stays hidden for good', async () => {
      s.at('2024-04-01T09:00:00.000Z'); // the supplier gives the practice its two weeks' notice
      const odsCode = await newPractice();
      const nhsNumber = await newPatient(odsCode);
      const SWITCH_ON = '2024-04-15T08:00:00.000Z';
      await s.schedule(odsCode, SWITCH_ON);
      s.at('2024-04-11T09:00:00.000Z');
      const early = await addEntry(odsCode, nhsNumber, { type: 'TEST_RESULT', title: 'filed 1 ms before switch-on' });
      const onTime = await addEntry(odsCode, nhsNumber, { type: 'TEST_RESULT', title: 'filed at switch-on' });
      s.at('2024-04-15T07:59:59.999Z');
      await s.fileEntry(odsCode, early.id);
      s.at(SWITCH_ON);
      await s.fileEntry(odsCode, onTime.id);
      expect(await s.patientSees(nhsNumber)).toEqual({
        state: 'VISIBLE',
        visibleFrom: SWITCH_ON,
        titles: ['filed at switch-on'],
        totalCount: 1,
      });

      // Forever: through a pause and a resume, and a year on.
      s.at('2024-05-01T09:00:00.000Z');
      await s.pause(odsCode);
      s.at('2024-05-02T09:00:00.000Z');
      await s.resume(odsCode);
      s.at('2025-04-15T08:00:00.000Z');
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['filed at switch-on']);
      expect(await clinicalEntry(odsCode, nhsNumber, early.id)).toMatchObject({
        filedAt: '2024-04-15T07:59:59.999Z',
        visibleToPatient: false,
        notVisibleBecause: ['OUTSIDE_ACCESS_PERIOD'],
      });
    });
  });

  // ------------------------------------------------------------ hideRecordEntry

  describe('hideRecordEntry', () => {
    it('hides an entry at once; the clinical view shows it hidden, with the reason and HIDDEN', async () => {
      s.at('2024-05-01T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-05-01T10:00:00.000Z');
      const entry = await addEntry(odsCode, nhsNumber, { title: 'Mentions a relative' });
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['Mentions a relative']);
      expect(await clinicalEntry(odsCode, nhsNumber, entry.id)).toMatchObject({
        hiddenFromPatient: false,
        redactionReason: null,
        visibleToPatient: true,
      });
      await s.ok(clinician(odsCode), HIDE, { id: entry.id, r: 'Third-party information' });
      expect(await clinicalEntry(odsCode, nhsNumber, entry.id)).toMatchObject({
        hiddenFromPatient: true,
        redactionReason: 'Third-party information',
        visibleToPatient: false,
        hiddenReason: expect.any(String),
        notVisibleBecause: ['HIDDEN'],
      });
      expect(await s.patientSees(nhsNumber)).toMatchObject({ state: 'VISIBLE', titles: [], totalCount: 0 });
    });

    it.each([[''], ['   ']])('refuses the blank reason "%s" (BAD_USER_INPUT), and the entry stays visible', async (reason) => {
      s.at('2024-05-02T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-05-02T10:00:00.000Z');
      const entry = await addEntry(odsCode, nhsNumber, { title: 'Stays visible' });
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () => hide(clinician(odsCode), entry.id, reason));
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['Stays visible']);
    });

    it('refuses a reason over 500 characters (BAD_USER_INPUT)', async () => {
      s.at('2024-05-03T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const entry = await addEntry(odsCode, nhsNumber, { title: 'Stays visible' });
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode, nhsNumber]], () =>
        hide(clinician(odsCode), entry.id, 'r'.repeat(501)),
      );
    });

    it('refuses to hide an entry twice (CONFLICT), keeping the first reason', async () => {
      s.at('2024-05-04T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const entry = await addEntry(odsCode, nhsNumber, { title: 'Hidden once' });
      await s.hideEntry(odsCode, entry.id, 'First reason');
      await refusedWithoutChange('CONFLICT', [[odsCode, nhsNumber]], () => hide(clinician(odsCode), entry.id, 'Second reason'));
      expect((await clinicalEntry(odsCode, nhsNumber, entry.id)).redactionReason).toBe('First reason');
    });

    it('refuses to hide an entry hidden from the start (CONFLICT)', async () => {
      s.at('2024-05-05T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const entry = await addEntry(odsCode, nhsNumber, {
        title: 'Born hidden',
        hiddenFromPatient: true,
        hiddenReason: 'Safeguarding',
      });
      await refusedWithoutChange('CONFLICT', [[odsCode, nhsNumber]], () => hide(clinician(odsCode), entry.id, 'Again'));
    });

    it("refuses to hide another practice's entry (FORBIDDEN) and an unknown one (NOT_FOUND)", async () => {
      s.at('2024-05-06T09:00:00.000Z');
      const theirs = await newPractice({ switchedOn: true });
      const mine = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(theirs);
      const entry = await addEntry(theirs, nhsNumber, { title: 'Theirs' });
      await refusedWithoutChange('FORBIDDEN', [[theirs, nhsNumber], [mine]], () =>
        hide(clinician(mine), entry.id, 'Not mine to hide'),
      );
      await refusedWithoutChange('NOT_FOUND', [[theirs, nhsNumber], [mine]], () =>
        hide(clinician(mine), randomUUID(), 'Nothing there'),
      );
    });
  });

  // ------------------------------------------------------------ setOnlineAccessExclusion

  describe('setOnlineAccessExclusion', () => {
    it('records 1364731000000104 then 1364751000000106; the latest decides, and the patient sees nothing meanwhile', async () => {
      s.at('2024-06-01T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-06-01T10:00:00.000Z');
      await addEntry(odsCode, nhsNumber, { title: 'A consultation' });
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['A consultation']);

      s.at('2024-06-02T10:00:00.000Z');
      const excluded = (await exclude(clinician(odsCode), nhsNumber, true, 'Safeguarding concern')).body.data!
        .setOnlineAccessExclusion;
      expect(excluded).toEqual({
        nhsNumber,
        excludedFromOnlineAccess: true,
        exclusionHistory: [
          { at: '2024-06-02T10:00:00.000Z', excluded: true, snomedCode: SNOMED_EXCLUDED, reason: 'Safeguarding concern' },
        ],
        onlineAccess: { state: 'PATIENT_EXCLUDED', visibleFrom: null },
      });
      expect(await s.patientSees(nhsNumber)).toEqual({ state: 'PATIENT_EXCLUDED', visibleFrom: null, titles: [], totalCount: 0 });

      s.at('2024-06-03T10:00:00.000Z');
      const lifted = (await exclude(clinician(odsCode), nhsNumber, false)).body.data!.setOnlineAccessExclusion;
      expect(lifted).toEqual({
        nhsNumber,
        excludedFromOnlineAccess: false,
        exclusionHistory: [
          { at: '2024-06-02T10:00:00.000Z', excluded: true, snomedCode: SNOMED_EXCLUDED, reason: 'Safeguarding concern' },
          { at: '2024-06-03T10:00:00.000Z', excluded: false, snomedCode: SNOMED_LIFTED, reason: null },
        ],
        onlineAccess: { state: 'VISIBLE', visibleFrom: '2024-06-01T09:00:00.000Z' },
      });
      expect(await patientAt(odsCode, nhsNumber)).toMatchObject({
        excludedFromOnlineAccess: false,
        exclusionHistory: lifted.exclusionHistory,
      });
      expect((await s.patientSees(nhsNumber)).titles).toEqual(['A consultation']);
    });

    it("refuses to exclude another practice's patient and an unknown one alike (FORBIDDEN), and an invalid NHS number (BAD_USER_INPUT)", async () => {
      s.at('2024-06-04T09:00:00.000Z');
      const theirs = await newPractice({ switchedOn: true });
      const mine = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(theirs);
      const unknown = freshNhsNumber();
      await refusedWithoutChange('FORBIDDEN', [[theirs, nhsNumber], [mine]], () =>
        exclude(clinician(mine), nhsNumber, true, 'Not mine'),
      );
      const elsewhere = await exclude(clinician(mine), nhsNumber, true, 'Not mine');
      const nowhere = await refusedWithoutChange('FORBIDDEN', [[mine, unknown]], () => exclude(clinician(mine), unknown, true));
      expect(withoutRequestIds(nowhere.body)).toEqual(withoutRequestIds(elsewhere.body));
      await refusedWithoutChange('BAD_USER_INPUT', [[mine]], () => exclude(clinician(mine), `${CHECK_TEN_NINE}0`, true));
    });

    it.each<[string, (nhsNumber: string) => TokenRequest]>([
      ['the patient themself', (nhsNumber) => Scenario.patient(nhsNumber)],
      ['nhse', () => Scenario.nhse],
      ["the practice's supplier", () => Scenario.supplier('EMIS')],
    ])('refuses an exclusion recorded by %s (FORBIDDEN)', async (_who, token) => {
      s.at('2024-06-05T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () => exclude(token(nhsNumber), nhsNumber, false));
    });
  });

  // ------------------------------------------------------------ reads

  describe('reads', () => {
    const PATIENT = `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber dateOfBirth registeredAt } }`;
    const PAGE = `query($first: Int, $after: String) { patients(first: $first, after: $after) { totalCount edges { cursor node { nhsNumber } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      patients: {
        totalCount: number;
        edges: { cursor: string; node: { nhsNumber: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };

    it("refuses a clinician of another practice a patient's details (FORBIDDEN)", async () => {
      s.at('2024-07-01T09:00:00.000Z');
      const theirs = await newPractice();
      const mine = await newPractice();
      const nhsNumber = await newPatient(theirs);
      expect((await s.ok<{ patient: unknown }>(clinician(theirs), PATIENT, { n: nhsNumber })).patient).toMatchObject({
        nhsNumber,
      });
      await refusedWithoutChange('FORBIDDEN', [[theirs, nhsNumber], [mine]], () =>
        s.as(clinician(mine), PATIENT, { n: nhsNumber }),
      );
    });

    it('answers an NHS number registered nowhere as one registered elsewhere (FORBIDDEN), and BAD_USER_INPUT for an invalid one', async () => {
      s.at('2024-07-02T09:00:00.000Z');
      const odsCode = await newPractice();
      const elsewhere = await newPatient(await newPractice());
      const unknown = await s.as<{ patient: unknown }>(clinician(odsCode), PATIENT, { n: freshNhsNumber() });
      const known = await s.as<{ patient: unknown }>(clinician(odsCode), PATIENT, { n: elsewhere });
      expect(codes(unknown)).toEqual(['FORBIDDEN']);
      expect(withoutRequestIds(unknown.body)).toEqual(withoutRequestIds(known.body));
      for (const [, invalid] of INVALID_NHS_NUMBERS) {
        await refusedWithoutChange('BAD_USER_INPUT', [[odsCode]], () => s.as(clinician(odsCode), PATIENT, { n: invalid() }));
      }
    });

    it("lists only the clinician's practice's patients, by NHS number, in pages that neither repeat nor skip", async () => {
      s.at('2024-07-03T09:00:00.000Z');
      const mine = await newPractice();
      const theirs = await newPractice();
      const numbers = Array.from({ length: 5 }, () => freshNhsNumber());
      // Registered out of order, with another practice's patients in between.
      for (const [i, nhsNumber] of [numbers[3]!, numbers[0]!, numbers[4]!, numbers[1]!, numbers[2]!].entries()) {
        await s.registerPatient(mine, nhsNumber);
        if (i % 2 === 0) await newPatient(theirs);
      }
      const seen: string[] = [];
      let after: string | null = null;
      const hasNext: boolean[] = [];
      for (let page = 0; page < 5; page++) {
        const data: Page = await s.ok<Page>(clinician(mine), PAGE, { first: 2, after });
        expect(data.patients.totalCount).toBe(5);
        seen.push(...data.patients.edges.map((edge) => edge.node.nhsNumber));
        hasNext.push(data.patients.pageInfo.hasNextPage);
        after = data.patients.pageInfo.endCursor;
        if (!data.patients.pageInfo.hasNextPage) break;
      }
      expect(seen).toEqual([...numbers].sort());
      expect(hasNext).toEqual([true, true, false]);
      const theirList = await s.ok<Page>(clinician(theirs), PAGE, { first: 100 });
      expect(theirList.patients.totalCount).toBe(3);
      expect(theirList.patients.edges.map((edge) => edge.node.nhsNumber).filter((n) => numbers.includes(n))).toEqual([]);
    });

    it('pages both views through entries recorded at the same instant without repeating or skipping one', async () => {
      s.at('2024-07-03T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-07-03T10:00:00.000Z');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await addEntry(odsCode, nhsNumber, { title: `same instant ${i}` })).id);
      type Connection = { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      const walk = async (page: (after: string | null) => Promise<Connection>) => {
        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 6; i++) {
          const connection: Connection = await page(after);
          seen.push(...connection.edges.map((edge) => edge.node.id));
          if (!connection.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
        }
        return seen;
      };
      const clinical = await walk(
        async (after) =>
          (
            await s.ok<{ patient: { clinicalRecord: Connection } }>(
              clinician(odsCode),
              `query($n: ID!, $after: String) { patient(nhsNumber: $n) { clinicalRecord(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
              { n: nhsNumber, after },
            )
          ).patient.clinicalRecord,
      );
      const own = await walk(
        async (after) =>
          (
            await s.ok<{ me: { record: Connection } }>(
              Scenario.patient(nhsNumber),
              `query($after: String) { me { record(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
              { after },
            )
          ).me.record,
      );
      expect([...clinical].sort()).toEqual([...ids].sort());
      expect(own).toEqual(clinical);
    });

    it.each<[string, Record<string, unknown>]>([
      ['first: 0', { first: 0 }],
      ['first: 101', { first: 101 }],
      ['first: -1', { first: -1 }],
      ['an after that is not a cursor', { first: 10, after: 'not-a-cursor' }],
    ])('refuses a patients page with %s (BAD_USER_INPUT)', async (_what, variables) => {
      s.at('2024-07-04T09:00:00.000Z');
      const odsCode = await newPractice();
      await newPatient(odsCode);
      await refusedWithoutChange('BAD_USER_INPUT', [[odsCode]], () => s.as(clinician(odsCode), PAGE, variables));
    });

    it.each<[string, (odsCode: string) => TokenRequest]>([
      ['a clinician', (odsCode) => clinician(odsCode)],
      ['nhse', () => Scenario.nhse],
      ['an analyst', () => Scenario.analyst],
      ['a supplier', () => Scenario.supplier('EMIS')],
    ])('refuses "me" to %s (FORBIDDEN)', async (_who, token) => {
      s.at('2024-07-05T08:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () =>
        s.as(token(odsCode), `{ me { nhsNumber record { totalCount } } }`),
      );
    });

    it('answers null to "me" for a patient registered nowhere', async () => {
      const response = await s.as(
        Scenario.patient(freshNhsNumber()),
        `{ me { nhsNumber onlineAccess { state } record { totalCount } } }`,
      );
      expect(response.body).toEqual({ data: { me: null } });
    });

    it.each([
      ['clinicalRecord', `clinicalRecord { totalCount edges { node { title } } }`],
      ['exclusionHistory', `exclusionHistory { snomedCode }`],
      ['excludedFromOnlineAccess', `excludedFromOnlineAccess`],
    ])(
      'refuses the patient themself %s (FORBIDDEN), though they read their record and onlineAccess',
      async (_field, selection) => {
        s.at('2024-07-05T09:00:00.000Z');
        const odsCode = await newPractice({ switchedOn: true });
        const nhsNumber = await newPatient(odsCode);
        s.at('2024-07-05T10:00:00.000Z');
        await addEntry(odsCode, nhsNumber, { title: 'What the patient sees' });
        await addEntry(odsCode, nhsNumber, { title: 'CLINICIANS ONLY', hiddenFromPatient: true, hiddenReason: 'Third party' });
        await s.exclude(odsCode, nhsNumber, false);
        const allowed = await s.ok<{ me: { onlineAccess: { state: string }; record: { edges: { node: { title: string } }[] } } }>(
          Scenario.patient(nhsNumber),
          `{ me { onlineAccess { state } record { edges { node { title } } } } }`,
        );
        expect(allowed.me.onlineAccess.state).toBe('VISIBLE');
        expect(allowed.me.record.edges.map((edge) => edge.node.title)).toEqual(['What the patient sees']);
        const refused = await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () =>
          s.as(Scenario.patient(nhsNumber), `{ me { ${selection} } }`),
        );
        expect(JSON.stringify(refused.body)).not.toContain('CLINICIANS ONLY');
      },
    );

    it('lets an app with record:read read the P9 patient\'s record through "me", and refuses one without the scope or at P5', async () => {
      s.at('2024-07-06T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-07-06T10:00:00.000Z');
      await addEntry(odsCode, nhsNumber, { title: 'Read through an app' });
      const READ = `{ me { nhsNumber record { totalCount edges { node { title } } } } }`;
      const data = await s.ok<{
        me: { nhsNumber: string; record: { totalCount: number; edges: { node: { title: string } }[] } };
      }>(app(nhsNumber, { scope: 'record:read' }), READ);
      // An app's registered bodies carry __typename below the root, as Apollo Client's cache adds it.
      expect(data.me).toEqual({
        __typename: 'Patient',
        nhsNumber,
        record: {
          __typename: 'RecordEntryConnection',
          totalCount: 1,
          edges: [{ __typename: 'RecordEntryEdge', node: { __typename: 'RecordEntry', title: 'Read through an app' } }],
        },
      });
      for (const refusedApp of [
        app(nhsNumber),
        app(nhsNumber, { scope: 'profile:read' }),
        app(nhsNumber, { scope: 'record:read', identityLevel: 'P5' }),
      ]) {
        const response = await refusedWithoutChange('FORBIDDEN', [[odsCode, nhsNumber]], () => s.as(refusedApp, READ));
        expect(JSON.stringify(response.body)).not.toContain('Read through an app');
      }
    });
  });

  // ------------------------------------------------------------ onlineAccess

  describe('onlineAccess', () => {
    const ACCESS = `{ me { onlineAccess { state visibleFrom } } }`;
    const accessOf = async (nhsNumber: string) =>
      (await s.ok<{ me: { onlineAccess: { state: string; visibleFrom: string | null } } }>(Scenario.patient(nhsNumber), ACCESS))
        .me.onlineAccess;

    it.each([
      ['in British Summer Time', '2010-07-01', '2026-06-30T23:00:00.000Z'],
      ['in winter', '2010-01-15', '2026-01-15T00:00:00.000Z'],
    ])('is UNDER_16 until the 16th birthday, at London midnight %s', async (_when, dateOfBirth, birthday) => {
      s.at('2024-08-01T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode, dateOfBirth);
      await addEntry(odsCode, nhsNumber, { title: 'Written while under 16' });
      expect(await accessOf(nhsNumber)).toEqual({ state: 'UNDER_16', visibleFrom: birthday });
      expect((await s.patientSees(nhsNumber)).titles).toEqual([]);
      s.at(new Date(Date.parse(birthday) - 1).toISOString());
      expect(await accessOf(nhsNumber)).toEqual({ state: 'UNDER_16', visibleFrom: birthday });
      s.at(birthday);
      expect(await accessOf(nhsNumber)).toEqual({ state: 'VISIBLE', visibleFrom: birthday });
      expect((await s.patientSees(nhsNumber)).titles).toEqual([]);
    });

    it('is NOT_YET_SWITCHED_ON, with no visibleFrom, while the practice is never scheduled or only scheduled', async () => {
      s.at('2024-08-02T09:00:00.000Z');
      const odsCode = await newPractice();
      const nhsNumber = await newPatient(odsCode);
      expect(await accessOf(nhsNumber)).toEqual({ state: 'NOT_YET_SWITCHED_ON', visibleFrom: null });
      await s.schedule(odsCode, '2024-09-01T00:00:00.000Z');
      expect(await accessOf(nhsNumber)).toEqual({ state: 'NOT_YET_SWITCHED_ON', visibleFrom: null });
    });

    it('is PRACTICE_PAUSED while paused, before exclusion is even considered', async () => {
      s.at('2024-08-03T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      expect(await accessOf(nhsNumber)).toMatchObject({ state: 'VISIBLE' });
      s.at('2024-08-04T09:00:00.000Z');
      await s.pause(odsCode);
      expect(await accessOf(nhsNumber)).toEqual({ state: 'PRACTICE_PAUSED', visibleFrom: null });
      await s.exclude(odsCode, nhsNumber, true);
      expect(await accessOf(nhsNumber)).toEqual({ state: 'PRACTICE_PAUSED', visibleFrom: null });
    });

    it('is VISIBLE from the switch-on for a patient registered before it', async () => {
      s.at('2024-08-05T09:00:00.000Z');
      const odsCode = await newPractice();
      const nhsNumber = await newPatient(odsCode);
      s.at('2024-08-06T12:34:56.789Z');
      await s.switchOn(odsCode);
      expect(await accessOf(nhsNumber)).toEqual({ state: 'VISIBLE', visibleFrom: '2024-08-06T12:34:56.789Z' });
    });

    it('is VISIBLE from the registration for a patient registered after the switch-on', async () => {
      s.at('2024-08-07T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      s.at('2024-08-08T15:16:17.181Z');
      const nhsNumber = await newPatient(odsCode);
      expect(await accessOf(nhsNumber)).toEqual({ state: 'VISIBLE', visibleFrom: '2024-08-08T15:16:17.181Z' });
    });
  });

  // ------------------------------------------------------------ errors

  describe('errors', () => {
    it("no refused request's body holds another patient's NHS number, a stack trace, SQL or a URL", async () => {
      s.at('2024-09-01T09:00:00.000Z');
      const theirs = await newPractice({ switchedOn: true });
      const mine = await newPractice({ switchedOn: true });
      const victim = await newPatient(theirs, '1990-09-09');
      const requester = await newPatient(mine);
      const entry = await addEntry(theirs, victim, { type: 'TEST_RESULT', title: 'Victim result' });
      const attempts: [string, Promise<GraphQLResponse>][] = [
        [
          'patient reads another patient',
          s.as(Scenario.patient(requester), `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber record { totalCount } } }`, {
            n: victim,
          }),
        ],
        [
          'clinician reads another practice',
          s.as(clinician(mine), `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber clinicalRecord { totalCount } } }`, {
            n: victim,
          }),
        ],
        [
          'clinician writes to another practice',
          add(clinician(mine), { nhsNumber: victim, type: 'DIAGNOSIS', title: 'x', body: 'x' }),
        ],
        ['clinician files for another practice', file(clinician(mine), entry.id)],
        ['clinician excludes at another practice', exclude(clinician(mine), victim, true)],
        [
          'clinician registers at another practice',
          register(clinician(mine), { nhsNumber: victim, odsCode: theirs, dateOfBirth: '1990-09-09' }),
        ],
        [
          'move with a wrong date of birth',
          register(clinician(mine), { nhsNumber: victim, odsCode: mine, dateOfBirth: '1990-09-10' }),
        ],
        ['re-registration here', register(clinician(theirs), { nhsNumber: victim, odsCode: theirs, dateOfBirth: '1990-09-09' })],
        [
          'an impossible date of birth',
          register(clinician(mine), { nhsNumber: freshNhsNumber(), odsCode: mine, dateOfBirth: '2006-02-30' }),
        ],
        ['an unknown enum value', add(clinician(theirs), { nhsNumber: victim, type: 'REFERRAL', title: 'x', body: 'x' })],
        ['an app without the scope', s.as(app(victim), `{ me { record { totalCount } } }`)],
        ['a P5 patient', s.as(Scenario.patient(victim, 'P5'), `{ me { record { totalCount } } }`)],
        ['a clinician at "me"', s.as(clinician(mine), `{ me { nhsNumber } }`)],
        [
          'nhse at a record',
          s.as(Scenario.nhse, `query($n: ID!) { patient(nhsNumber: $n) { record { totalCount } } }`, { n: victim }),
        ],
      ];
      const leaks: string[] = [];
      for (const [what, pending] of attempts) {
        const response = await pending;
        const text = JSON.stringify(response.body);
        if (!codes(response).length) leaks.push(`${what}: not refused`);
        if (text.includes(victim)) leaks.push(`${what}: echoes the NHS number: ${text}`);
        if (STACK_TRACE.test(text)) leaks.push(`${what}: a stack trace: ${text}`);
        if (SQL.test(text)) leaks.push(`${what}: SQL: ${text}`);
        if (text.includes('http://')) leaks.push(`${what}: a URL: ${text}`);
      }
      expect(leaks).toEqual([]);
    });

    it.each<[string, Record<string, unknown>]>([
      ['a field the input does not have (recordedAt)', { title: 'Backdated', recordedAt: '2020-01-01T00:00:00.000Z' }],
      ['a required field missing (title)', {}],
    ])("refuses an entry with %s without echoing the patient's NHS number or the entry's text", async (_what, fields) => {
      s.at('2024-09-02T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const response = await add(clinician(odsCode), {
        nhsNumber,
        type: 'DIAGNOSIS',
        body: 'Suspected domestic abuse disclosed',
        ...fields,
      });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      const text = JSON.stringify(response.body);
      expect(text).not.toContain(nhsNumber);
      expect(text).not.toContain('Suspected domestic abuse disclosed');
    });

    it.each([['17/05/2006'], ['2006-05-17T00:00:00.000Z'], ['1990-02-30']])(
      'refuses the malformed date of birth "%s" without quoting it back',
      async (dateOfBirth) => {
        s.at('2024-09-04T09:00:00.000Z');
        const odsCode = await newPractice();
        const response = await register(clinician(odsCode), { nhsNumber: freshNhsNumber(), odsCode, dateOfBirth });
        expect(codes(response)).toEqual(['BAD_USER_INPUT']);
        expect(JSON.stringify(response.body)).not.toContain(dateOfBirth);
      },
    );

    it('suggests no field names to a clinician who misspells one', async () => {
      s.at('2024-09-03T09:00:00.000Z');
      const odsCode = await newPractice({ switchedOn: true });
      const nhsNumber = await newPatient(odsCode);
      const response = await add(clinician(odsCode), { nhsNumber, type: 'DIAGNOSIS', titel: 'Typo', body: 'x' });
      expect(codes(response).length).toBeGreaterThan(0);
      expect(JSON.stringify(response.body)).not.toMatch(/Did you mean/i);
    });
  });
});
