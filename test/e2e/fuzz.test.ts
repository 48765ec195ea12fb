import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph as FederatedSupergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import { generateKeyPair, SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../gateway/config';
import { claimsFor, type TokenRequest } from '../../gateway/token-claims';
import { DEMO_PATIENTS } from '../../subgraphs/demo-world/patients';
import { DEMO_ICBS } from '../../subgraphs/demo-world/practices';
import { ApprovedAppEntity, type ApprovedAppRow } from '../../subgraphs/records/entities/approved-app';
import { ExclusionEventEntity, type ExclusionEventRow } from '../../subgraphs/records/entities/exclusion-event';
import { PatientEntity, type PatientRow } from '../../subgraphs/records/entities/patient';
import { RecordEntryEntity, type RecordEntryRow } from '../../subgraphs/records/entities/record-entry';
import { deriveRolloutState, type RolloutState } from '../../subgraphs/rollout/domain/rollout-state';
import { RolloutStore } from '../../subgraphs/rollout/store/rollout-store';
import pino from 'pino';
import { OperationArbitraries, type GeneratedOperation, type OperationGuide } from '../helpers/operation-arbitraries';
import { Scenario } from '../helpers/scenario';
import { postGraphQL, startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * A schema-driven fuzzer against the gateway, for every role of the contract. Operations
 * are generated from the gateway's API schema (the composed supergraph without its @inaccessible
 * parts): random root queries and mutations, nested selections, arguments of the right type with
 * boundary and hostile values (and sometimes of the wrong type), inline or as variables, with
 * aliases, directives and fragments; now and then an operation over a request limit, or a body
 * that is not GraphQL at all. For every request, whoever sends it:
 * - the HTTP status is never 5xx, and the services are still up after each batch;
 * - every error carries a public code, and INTERNAL_SERVER_ERROR only as the records subgraph's
 *   deliberate fail-closed answer (no access data, so no entries); no message holds a stack, SQL,
 *   an internal URL, a subgraph name or a value the client sent; nothing but data and errors;
 * - no record entry reaches a token that may not see it. Who may see an entry is judged from the
 *   databases at the moment of the answer, not from the API: a patient (P9) or an approved app
 *   with record:read sees only their own patient's entries that are unhidden, available (filed),
 *   after registration and the 16th birthday, inside an access period of an ENABLED practice and
 *   while not excluded; a clinician sees the patients registered at their practice; nobody else
 *   sees any. Entries are recognised by their text: the demo world's titles and bodies, and the
 *   entries the fuzzer writes, whose titles and bodies all start with a marker.
 *
 * Bounded for `npm test` (a fixed seed per property, printed by fast-check on failure with the
 * shrunk counterexample); FUZZ_RUNS=<runs per role> and FUZZ_SEED=<n> run it longer or elsewhere.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const NOW = '2026-11-24T12:00:00.000Z';

/** The demo patient the patient and app tokens act for: entries on every side of every rule. */
const PATIENT = '9990001375';
const PRACTICE = 'B84010';
/** A practice with no demo patients: its clinician may see no demo entry (unless the fuzzer registers one there). */
const OTHER_PRACTICE = 'C84101';
/** Starts every title and body the fuzzer writes, so its entries can be told from any other text. */
const MARK = '\u27e6fz\u27e7';

// ------------------------------------------------------------------ who asks

/** Whose entries a token may see: the judgement the safety property makes. */
type Reader =
  | { kind: 'nobody' }
  | { kind: 'patient'; nhsNumber: string }
  | { kind: 'app'; clientId: string; nhsNumber: string }
  | { kind: 'clinician'; odsCode: string };
type Focus = 'patient' | 'clinician' | 'supplier' | 'nhse' | 'analyst';
interface Role {
  name: string;
  /** A token request, or how to make a token the gateway must refuse, or none at all. */
  token: TokenRequest | 'forged-key' | 'forged-none' | null;
  reader: Reader;
  /** Which root fields the generator favours for this role (it tries every field, for every role). */
  focus: Focus;
}

const NOBODY: Reader = { kind: 'nobody' };
const app = (clientId: string, scope: string): TokenRequest => ({
  role: 'app',
  clientId,
  nhsNumber: PATIENT,
  identityLevel: 'P9',
  scope,
});
/** Reading roles first (the world as seeded), then those that change it. */
const ROLES: readonly Role[] = [
  { name: 'patient P9', token: Scenario.patient(PATIENT), reader: { kind: 'patient', nhsNumber: PATIENT }, focus: 'patient' },
  {
    name: 'app demo-app with record:read',
    token: app('demo-app', 'record:read'),
    reader: { kind: 'app', clientId: 'demo-app', nhsNumber: PATIENT },
    focus: 'patient',
  },
  { name: 'patient P5', token: Scenario.patient(PATIENT, 'P5'), reader: NOBODY, focus: 'patient' },
  { name: 'app demo-app without the scope', token: app('demo-app', 'openid profile'), reader: NOBODY, focus: 'patient' },
  {
    name: 'app not approved',
    token: app('unapproved-app', 'record:read'),
    reader: { kind: 'app', clientId: 'unapproved-app', nhsNumber: PATIENT },
    focus: 'patient',
  },
  { name: 'no token', token: null, reader: NOBODY, focus: 'patient' },
  { name: 'forged (another key)', token: 'forged-key', reader: NOBODY, focus: 'patient' },
  { name: 'forged (alg none)', token: 'forged-none', reader: NOBODY, focus: 'nhse' },
  { name: 'analyst', token: Scenario.analyst, reader: NOBODY, focus: 'analyst' },
  {
    name: `clinician of another practice (${OTHER_PRACTICE})`,
    token: Scenario.clinician(OTHER_PRACTICE),
    reader: { kind: 'clinician', odsCode: OTHER_PRACTICE },
    focus: 'clinician',
  },
  {
    name: `clinician of ${PRACTICE}`,
    token: Scenario.clinician(PRACTICE),
    reader: { kind: 'clinician', odsCode: PRACTICE },
    focus: 'clinician',
  },
  { name: 'supplier EMIS', token: Scenario.supplier('EMIS'), reader: NOBODY, focus: 'supplier' },
  { name: 'supplier TPP', token: Scenario.supplier('TPP'), reader: NOBODY, focus: 'supplier' },
  { name: 'nhse', token: Scenario.nhse, reader: NOBODY, focus: 'nhse' },
];

/** Root fields each focus favours; the rest keep weight 1. Every focus also probes the record fields. */
const FOCUS: Record<Focus, { mutations: number; weights: Record<string, number> }> = {
  // Staff-only fields (clinicalRecord, exclusions, rollout history) null the whole `me` for a patient: tried, but less often.
  patient: { mutations: 1, weights: { 'Query.me': 200, 'Patient.record': 20, 'Patient.clinicalRecord': 1 } },
  clinician: {
    mutations: 5,
    weights: {
      'Query.patient': 30,
      'Query.patients': 15,
      'Query.me': 2,
      'Mutation.addRecordEntry': 6,
      'Mutation.registerPatient': 3,
      'Mutation.fileRecordEntry': 3,
      'Mutation.hideRecordEntry': 3,
      'Mutation.setOnlineAccessExclusion': 3,
    },
  },
  supplier: {
    mutations: 5,
    weights: {
      'Mutation.scheduleSwitchOn': 3,
      'Mutation.pauseAccess': 3,
      'Mutation.resumeAccess': 3,
      'Mutation.switchOn': 2,
      'Mutation.cancelSwitchOn': 2,
      'Query.me': 3,
      'Query.patient': 3,
      'Query.rolloutSummary': 2,
      'Query.pausedPractices': 2,
    },
  },
  nhse: {
    mutations: 5,
    weights: { 'Mutation.approveApp': 3, 'Mutation.upsertPractice': 3, 'Query.apps': 3, 'Query.me': 3, 'Query.patient': 3 },
  },
  analyst: {
    mutations: 2,
    weights: { 'Query.rolloutSummary': 3, 'Query.rolloutTimeline': 3, 'Query.me': 3, 'Query.patient': 3 },
  },
};

/** Fields on the way to an entry's title, favoured at every depth so requests reach the records. */
const TOWARDS_ENTRIES: Record<string, number> = {
  'Patient.record': 6,
  'Patient.clinicalRecord': 5,
  'PatientConnection.edges': 4,
  'PatientEdge.node': 4,
  'RecordEntryConnection.edges': 8,
  'RecordEntryEdge.node': 8,
  'ClinicalEntryConnection.edges': 8,
  'ClinicalEntryEdge.node': 8,
  'RecordEntry.title': 6,
  'RecordEntry.body': 4,
  'ClinicalEntry.title': 6,
  'ClinicalEntry.body': 4,
};

// ------------------------------------------------------------------ values

const DEMO_NHS_NUMBERS = DEMO_PATIENTS.map((patient) => patient.nhsNumber);
const DEMO_ODS_CODES = [...new Set([PRACTICE, OTHER_PRACTICE, ...DEMO_PATIENTS.map((patient) => patient.odsCode)])];
/** Every title and body of the demo world's entries. */
const DEMO_TEXTS = new Set(DEMO_PATIENTS.flatMap((patient) => patient.entries.flatMap((entry) => [entry.title, entry.body])));
/** Demo texts long enough to look for inside other strings (an error message quoting one would leak it too). */
const LONG_DEMO_TEXTS = [...DEMO_TEXTS].filter((text) => text.length >= 10);

const HOSTILE_TEXT = [
  '',
  ' ',
  ' \t\n',
  'Zo\u00eb \u00dcn\u00efc\u00f8d\u00e9',
  '\u{1FA7A}\u{1F48A} emoji',
  '\u202eevil RTL',
  'nul\u0000byte',
  'line\nbreak',
  'lone \ud800 surrogate',
  "' OR '1'='1",
  "Robert'); DROP TABLE record_entry;--",
  '%',
  '_',
  '\\',
  '"quoted"',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '../../etc/passwd',
  'null',
  '__proto__',
  'x'.repeat(196),
  'x'.repeat(197),
  'x'.repeat(501),
  'x'.repeat(5001),
];
const PLAIN_TEXT = ['Clinical safety review', 'Third-party information', 'Reviewed', 'LS1 3EX', 'NHS Test ICB'];
const INSTANTS = [
  NOW,
  '2026-11-24T12:01:00.000Z',
  '2026-11-24T12:01:00.001Z',
  '2026-11-25T07:00:00.000Z',
  '2026-12-01T12:00:00.000Z',
  '2026-12-08T07:00:00.000Z',
  '2027-01-04T07:00:00.000Z',
  '2025-11-24T00:00:00.000Z',
  '2023-03-01T12:00:00.000Z',
  '2022-12-05T09:00:00.000Z',
  '2000-01-01T00:00:00.000Z',
];
const BAD_INSTANTS = [
  '',
  '2026-13-01T00:00:00.000Z',
  '2026-02-30T00:00:00.000Z',
  '2026-11-24',
  '2026-11-24T12:00:00Z',
  '2026-11-24T13:00:00.000+01:00',
  '2026-11-24T24:00:00.000Z',
  'yesterday',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  0,
  1764000000000,
];
const DATES = [...new Set(DEMO_PATIENTS.map((patient) => patient.dateOfBirth)), '2008-02-29', '1900-01-01', '2026-11-24'];
const BAD_DATES = [
  '',
  '2026-11-25',
  '2010-02-29',
  '12/04/1980',
  '1980-4-12',
  '0000-00-00',
  '9999-12-31',
  '1980-04-12T00:00:00.000Z',
];
const BAD_NHS_NUMBERS = [
  '',
  '999000137',
  '99900013750',
  '9990001376',
  ' 9990001375',
  '999 000 1375',
  'abcdefghij',
  '0000000000',
  '\uff19\uff19\uff19\uff10\uff10\uff10\uff11\uff13\uff17\uff15',
  "9990001375' OR '1'='1",
  '9990001375\u0000',
  9990001375,
];
const BAD_ODS_CODES = ['', 'b84010', 'B8401', 'B840100', 'Y01234', "B84010'--", 'B84010\n', 'ZZZZZZ', 84010];
const BAD_IDS = [
  '',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  "' OR 1=1 --",
  'x'.repeat(37),
];
const BAD_CURSORS = [
  '',
  'abc',
  'null',
  Buffer.from('{"x":1}').toString('base64'),
  Buffer.from('-1').toString('base64url'),
  Buffer.from("' OR 1=1 --").toString('base64'),
  '====',
  'x'.repeat(5000),
];
const FIRSTS = [-2147483648, -1, 0, 1, 2, 3, 5, 20, 50, 100, 101, 200, 201, 2147483647];

/** Valid values most of the time (so requests reach real data), hostile ones the rest. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, hostile: readonly U[]) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...hostile) });

function guideFor(focus: Focus, pools: { entryIds: string[]; cursors: string[] }): OperationGuide {
  const text = fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.constantFrom(...PLAIN_TEXT), fc.string({ maxLength: 12 }));
  return {
    weight: (typeName, fieldName) => {
      const key = `${typeName}.${fieldName}`;
      return FOCUS[focus].weights[key] ?? TOWARDS_ENTRIES[key] ?? 1;
    },
    scalarValues: (name, typeName) => {
      switch (name) {
        case 'nhsNumber':
          return fc.oneof(
            { weight: 4, arbitrary: fc.constant(PATIENT) },
            { weight: 2, arbitrary: fc.constantFrom(...DEMO_NHS_NUMBERS) },
            { weight: 2, arbitrary: fc.constantFrom(...BAD_NHS_NUMBERS) },
          );
        case 'odsCode':
        case 'odsCodes':
          return mostly(fc.constantFrom(...DEMO_ODS_CODES), BAD_ODS_CODES);
        case 'icbCode':
        case 'code':
          return mostly(fc.constantFrom(...DEMO_ICBS.map((icb) => icb.code)), ['', 'qwo', 'Q', 'QQQQ', "Q'1"]);
        case 'id':
          return mostly(fc.constantFrom(...pools.entryIds), BAD_IDS);
        case 'clientId':
          // Never 'unapproved-app': that role's app stays unapproved throughout.
          return mostly(fc.constantFrom('demo-app', 'other-app'), ['DEMO-APP', 'demo-app ', '', 'a'.repeat(101), 'bad id!']);
        case 'scopes':
          return mostly(fc.constant('record:read'), ['record:write', '', 'RECORD:READ', 'record:read record:write']);
        case 'first':
          return mostly(fc.oneof(fc.constantFrom(1, 2, 5, 20, 100), fc.integer({ min: 1, max: 100 })), FIRSTS);
        case 'withinDays':
          return fc.constantFrom(-1, 0, 1, 7, 14, 366, 367, 2147483647);
        case 'after':
          return mostly(fc.constantFrom(...pools.cursors), BAD_CURSORS);
        case 'title':
        case 'body':
          // 'x' × 100,001 is one over an entry body's limit; the mark is added to whatever is written.
          return fc.oneof(text, fc.constant('x'.repeat(100_001)));
      }
      if (typeName === 'DateTime') return mostly(fc.constantFrom(...INSTANTS), BAD_INSTANTS);
      if (typeName === 'Date') return mostly(fc.constantFrom(...DATES), BAD_DATES);
      if (typeName === 'String' || typeName === 'ID') return text;
      return undefined;
    },
    finishInput: (typeName, value) => {
      if (typeName !== 'AddRecordEntryInput') return value;
      const marked = (text: unknown) => (typeof text === 'string' && text.trim() !== '' ? `${MARK}${text}` : text);
      return {
        ...value,
        ...('title' in value ? { title: marked(value.title) } : {}),
        ...('body' in value ? { body: marked(value.body) } : {}),
      };
    },
  };
}

// ------------------------------------------------------------------ requests

type FuzzRequest = ({ kind: 'operation' } & GeneratedOperation) | { kind: 'raw'; body: string };

/** `{ a { b { … leaf } } }` */
const nested = (fields: string[], leaf: string) =>
  `{ ${fields.map((field) => `${field} {`).join(' ')} ${leaf} ${'} '.repeat(fields.length)}}`;
const many = (n: number, each: (i: number) => string) => Array.from({ length: n }, (_, i) => each(i)).join(' ');
const LOOP = ['practices(first: 1)', 'edges', 'node', 'icb'];

/** Operations at or over the gateway's limits (depth 10, 20 aliases, 20 root fields, 20 directives, 3,000 tokens, cost 10,000). */
const overTheLimits: fc.Arbitrary<string> = fc.oneof(
  fc
    .integer({ min: 1, max: 3 })
    .map((loops) => nested(['integratedCareBoards', ...Array<string[]>(loops).fill(LOOP).flat()], 'code')),
  fc.integer({ min: 1, max: 3 }).map((loops) =>
    nested(
      [
        'me',
        'registeredPractice',
        ...Array<string[]>(loops)
          .fill(['icb', ...LOOP.slice(0, 3)])
          .flat(),
      ],
      'odsCode',
    ),
  ),
  fc.integer({ min: 18, max: 23 }).map((n) => `{ me { ${many(n, (i) => `a${i}: nhsNumber`)} } }`),
  fc
    .integer({ min: 18, max: 23 })
    .map((n) => `{ ${many(n, (i) => `m${i}: me { record(first: 100) { edges { node { title body } } } }`)} }`),
  fc.integer({ min: 18, max: 23 }).map((n) => `{ me { nhsNumber ${'@include(if: true) '.repeat(n)}} }`),
  fc.integer({ min: 2990, max: 3010 }).map((n) => `{ me { ${'nhsNumber '.repeat(n - 6)}} }`),
  fc
    .tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }))
    .map(
      ([a, b]) =>
        `{ practices(first: ${a}) { edges { node { icb { practices(first: ${b}) { edges { node { odsCode } } } } } } } }`,
    ),
  fc
    .integer({ min: 1, max: 120 })
    .map((n) => `{ patients(first: 100) { edges { node { record(first: 100) { edges { node { ${'title '.repeat(n)}} } } } } } }`),
  fc.constantFrom(
    'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
    '{ me { registeredPractice { ...P } } } fragment P on Practice { icb { practices(first: 200) { edges { node { ...P } } } } }',
    '{ __schema { types { name fields { name } } } }',
    '{ __type(name: "RecordEntry") { fields { name } } }',
    '{ me { record { edges { node { title } } } } __schema { queryType { name } } }',
  ),
);

const GRAPHQL_TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  'me',
  'record',
  'title',
  'query',
  'mutation',
  'fragment',
  'on',
  '...',
  '$v',
  '!',
  ':',
  '=',
  '"x"',
  '1',
  '@include',
  'null',
  '__schema',
  '#',
  '\n',
  ',',
];
/** Bodies that are not a GraphQL request, or barely one. */
const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record({
      query: fc.oneof(
        fc.array(fc.constantFrom(...GRAPHQL_TOKENS), { maxLength: 40 }).map((t) => t.join(' ')),
        fc.string({ maxLength: 60 }),
      ),
      variables: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
      operationName: fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 10 })),
    })
    .map((body) => JSON.stringify(body)),
  fc.constantFrom(
    '',
    'null',
    '[]',
    '{}',
    '{"query":null}',
    '{"query":{}}',
    '{"query":7}',
    '{"query":"{ me { nhsNumber } }","variables":"x"}',
    '{"query":"{ me { nhsNumber } }","variables":[]}',
    '{"query":"{ me { nhsNumber } }","operationName":7}',
    '{"query":"{ me { nhsNumber } }","operationName":"Nope"}',
    '{"query":"query A { me { nhsNumber } } query B { me { nhsNumber } }"}',
    '{"query":"subscription { me { nhsNumber } }"}',
    '{"query":"{ me { nhsNumber } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}',
    '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}}',
    '[{"query":"{ me { nhsNumber } }"}]',
    '{"query":"{ me { nhsNumber } }", "query":"{ me { record { edges { node { title } } } } }"}',
  ),
);

// ------------------------------------------------------------------ what may be seen

/** The databases as they stand at one answer: the truth the safety property is judged against. */
interface World {
  now: Date;
  patients: Map<string, PatientRow>;
  entries: RecordEntryRow[];
  exclusions: Map<string, ExclusionEventRow[]>;
  apps: Map<string, ApprovedAppRow>;
  practices: Map<string, RolloutState>;
}

const CLINICIAN_EXCLUDES = '1364731000000104';
const CLINICIAN_LIFTS = '1364751000000106';
const PATIENT_DECLINES = '1290331000000103';

/**
 * The spans (ms, both ends included) during which the patient was excluded, from docs/domain.md rule
 * 6: events in the order recorded (id), a 106 lifting a 104 only, only the patient's withdrawal
 * ending a 103, each taking effect no earlier than the events before it. An event the oracle
 * cannot read excludes for ever. The last span is open (Infinity) while the patient is excluded.
 */
function exclusionSpans(events: readonly ExclusionEventRow[]): [number, number][] {
  const inOrder = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const spans: [number, number][] = [];
  let clinician = false;
  let declined = false;
  let since: number | null = null;
  let latest = -Infinity;
  for (const event of inOrder) {
    latest = Math.max(latest, event.at.getTime());
    const withdrawal = event.snomedCode === PATIENT_DECLINES && event.kind === 'DECLINE_WITHDRAWN';
    if (event.snomedCode === CLINICIAN_EXCLUDES) clinician = true;
    else if (event.snomedCode === CLINICIAN_LIFTS) clinician = false;
    else if (event.snomedCode === PATIENT_DECLINES) declined = !withdrawal;
    else return [[-Infinity, Infinity]];
    if ((clinician || declined) && since === null) since = latest;
    if (!(clinician || declined) && since !== null) {
      spans.push([since, latest]);
      since = null;
    }
  }
  if (since !== null) spans.push([since, Infinity]);
  return spans;
}

/** The earliest instant the 16th birthday can begin in England (London midnight is 23:00 or 00:00 UTC). */
function sixteenthBirthdayFloor(dateOfBirth: string): number {
  const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number];
  return Date.UTC(year + 16, month - 1, day) - 3_600_000;
}

/** Necessary conditions for the patient view to show an entry, each a plain fact of the databases. */
function patientMaySee(entry: RecordEntryRow, world: World): boolean {
  const patient = world.patients.get(entry.nhsNumber);
  if (!patient || entry.hiddenFromPatient) return false;
  const available = entry.type === 'TEST_RESULT' || entry.type === 'CLINICAL_LETTER' ? entry.filedAt : entry.recordedAt;
  if (!available) return false;
  const at = available.getTime();
  if (at < patient.registeredAt.getTime() || at < sixteenthBirthdayFloor(patient.dateOfBirth)) return false;
  // Excluded now (an open span), or excluded when the entry became available: never shown.
  if (
    exclusionSpans(world.exclusions.get(entry.nhsNumber) ?? []).some(([from, to]) => to === Infinity || (from <= at && at <= to))
  )
    return false;
  const practice = world.practices.get(patient.odsCode);
  if (practice?.status !== 'ENABLED') return false;
  return practice.periods.some((period) => period.from.getTime() <= at && (period.to === null || at < period.to.getTime()));
}

function maySee(reader: Reader, entry: RecordEntryRow, world: World): boolean {
  switch (reader.kind) {
    case 'nobody':
      return false;
    case 'clinician':
      return world.patients.get(entry.nhsNumber)?.odsCode === reader.odsCode;
    case 'patient':
      return entry.nhsNumber === reader.nhsNumber && patientMaySee(entry, world);
    case 'app': {
      const approval = world.apps.get(reader.clientId);
      const approved =
        approval !== undefined &&
        (approval.revokedAt === null || approval.revokedAt.getTime() > world.now.getTime()) &&
        approval.scopes.split(' ').includes('record:read');
      return approved && entry.nhsNumber === reader.nhsNumber && patientMaySee(entry, world);
    }
  }
}

/** Every string in a response (values, not keys: keys are the client's own aliases). */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, into);
  return into;
}

/** The entry texts a string shows: itself when it is one, else the long demo texts it quotes. */
function entryTextsIn(text: string): string[] {
  if (DEMO_TEXTS.has(text) || text.includes(MARK)) return [text];
  return LONG_DEMO_TEXTS.filter((demo) => text.includes(demo));
}

// ------------------------------------------------------------------ what every answer must be

const PUBLIC_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
];
const INTERNALS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at |\bat [\w.<>]+ \(.*:\d+:\d+\)|\.[jt]s:\d+/],
  [
    'SQL',
    /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|WHERE)\b|SQLITE_|QueryFailedError|syntax error at or near|relation "|no such (table|column)/,
  ],
  ['an internal URL', /127\.0\.0\.1|localhost|:\d{4,5}\/graphql/],
  // "rollout" alone is a domain word ("The rollout history is for staff roles only"); a subgraph named as a service is not.
  ['a subgraph name', /subgraph|serviceName|\b(practices|rollout|records) service\b/i],
];
/** Values the fuzzer sends that no message may quote back (errors never echo a client's values). */
const ECHOES = [...HOSTILE_TEXT.filter((text) => text.trim().length >= 5), MARK];

/** What the records subgraph logs when it fails closed: no access data, so an error and no entries. */
const FAIL_CLOSED_LOG = 'patient view refused';

/**
 * Everything wrong with an answer but leaks. An INTERNAL_SERVER_ERROR is a finding, except the
 * records subgraph's deliberate fail-closed answer ("The practice's access status could not be
 * established"), told by its log line: one such error, at a field's path, per line logged.
 */
function problemsWith(response: GraphQLResponse, failClosed: number): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`HTTP ${response.status}`);
  const beyond = Object.keys(response.body).filter((key) => key !== 'data' && key !== 'errors');
  if (beyond.length) problems.push(`a response with more than data and errors: ${beyond.join(', ')}`);
  let failedClosed = 0;
  for (const error of response.body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !PUBLIC_CODES.includes(code)) {
      problems.push(`an error without a public code: ${JSON.stringify(error)}`);
    }
    if (code === 'INTERNAL_SERVER_ERROR' && !(error.path?.length && ++failedClosed <= failClosed)) {
      problems.push(`INTERNAL_SERVER_ERROR at ${JSON.stringify(error.path ?? [])}`);
    }
    const extra = Object.keys(error.extensions ?? {}).filter((key) => !['code', 'field', 'requestId'].includes(key));
    if (extra.length) problems.push(`error extensions beyond code, field and requestId: ${extra.join(', ')}`);
    const requestId = (error.extensions as { requestId?: unknown } | undefined)?.requestId;
    if (!response.requestId || requestId !== response.requestId) {
      problems.push(`an error whose requestId ${JSON.stringify(requestId)} is not the x-request-id ${response.requestId}`);
    }
    if (typeof error.message !== 'string') problems.push(`an error without a message: ${JSON.stringify(error)}`);
    else {
      for (const [what, pattern] of INTERNALS)
        if (pattern.test(error.message)) problems.push(`${what} in ${JSON.stringify(error.message)}`);
      for (const echo of ECHOES)
        if (error.message.includes(echo))
          problems.push(`the input ${JSON.stringify(echo)} quoted in ${JSON.stringify(error.message)}`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------ the fuzzer

describe('a schema-driven fuzzer against the gateway, for every role', () => {
  let supergraph: Supergraph;
  const tokens = new Map<string, string | null>();
  const generators = new Map<Focus, fc.Arbitrary<FuzzRequest>>();
  /** What the services logged as unexpected: the real cause behind an INTERNAL_SERVER_ERROR. */
  const logged: string[] = [];
  /** Per role: requests, HTTP statuses, error codes, answers showing entries, fail-closed answers. */
  const stats = new Map<string, Map<string, number>>();
  const count = (role: Role, what: string) => {
    const counts = stats.get(role.name) ?? new Map<string, number>();
    stats.set(role.name, counts.set(what, (counts.get(what) ?? 0) + 1));
  };
  const counted = (roleName: string, what: string) => stats.get(roleName)?.get(what) ?? 0;
  const started = Date.now();

  /** The gateway's API schema: the supergraph as clients see it, nothing @inaccessible. */
  const api = FederatedSupergraph.build(readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'))
    .apiSchema()
    .toGraphQLJSSchema();

  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    supergraph = await startSupergraph({
      now: NOW,
      demoData: true,
      logger,
      // The clock stands still, so a bucket never refills: a burst large enough for every app request.
      appRateLimit: { perSecond: 1000, burst: 1_000_000 },
    });
    const s = new Scenario(supergraph);

    // Identifiers only a real client would know: entry ids (from the clinical views) and cursors.
    const entryIds: string[] = [];
    const cursors: string[] = [];
    for (const odsCode of [PRACTICE, 'B84001']) {
      const page = await s.ok<{
        patients: {
          pageInfo: { endCursor: string };
          edges: {
            node: {
              clinicalRecord: { edges: { cursor: string; node: { id: string } }[] };
              record: { pageInfo: { endCursor: string | null } };
            };
          }[];
        };
      }>(
        Scenario.clinician(odsCode),
        '{ patients(first: 2) { pageInfo { endCursor } edges { node { clinicalRecord(first: 100) { edges { cursor node { id } } } record(first: 1) { pageInfo { endCursor } } } } } }',
      );
      cursors.push(page.patients.pageInfo.endCursor);
      for (const { node } of page.patients.edges) {
        entryIds.push(...node.clinicalRecord.edges.map((edge) => edge.node.id));
        cursors.push(...node.clinicalRecord.edges.slice(0, 2).map((edge) => edge.cursor));
        if (node.record.pageInfo.endCursor) cursors.push(node.record.pageInfo.endCursor);
      }
    }
    const practices = await s.ok<{ practices: { pageInfo: { endCursor: string } } }>(
      Scenario.analyst,
      '{ practices(first: 3) { pageInfo { endCursor } } }',
    );
    cursors.push(practices.practices.pageInfo.endCursor);

    for (const focus of Object.keys(FOCUS) as Focus[]) {
      const operations = new OperationArbitraries(api, guideFor(focus, { entryIds, cursors }));
      const depth = (root: 'query' | 'mutation') =>
        fc.oneof(
          ...[3, 4, 5, 6, 7, 8].map((maxDepth, i) => ({
            weight: [2, 2, 5, 4, 3, 1][i]!,
            arbitrary: operations.operation(root, maxDepth),
          })),
        );
      generators.set(
        focus,
        fc.oneof(
          { weight: 14, arbitrary: depth('query').map((op): FuzzRequest => ({ kind: 'operation', ...op })) },
          {
            weight: FOCUS[focus].mutations,
            arbitrary: depth('mutation').map((op): FuzzRequest => ({ kind: 'operation', ...op })),
          },
          { weight: 2, arbitrary: overTheLimits.map((query): FuzzRequest => ({ kind: 'operation', query })) },
          { weight: 1, arbitrary: garbage.map((body): FuzzRequest => ({ kind: 'raw', body })) },
        ),
      );
    }

    const { privateKey } = await generateKeyPair('ES256');
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    for (const role of ROLES) {
      if (role.token === null) tokens.set(role.name, null);
      else if (role.token === 'forged-key') {
        tokens.set(
          role.name,
          await new SignJWT({ ...claimsFor(Scenario.patient(PATIENT)) })
            .setProtectedHeader({ alg: 'ES256', kid: 'dev-forged' })
            .setIssuer(DEV_ISSUER)
            .setAudience(DEV_AUDIENCE)
            .setIssuedAt()
            .setExpirationTime('1h')
            .sign(privateKey),
        );
      } else if (role.token === 'forged-none') {
        const claims = { ...claimsFor(Scenario.nhse), iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: 9_999_999_999 };
        tokens.set(role.name, `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`);
      } else tokens.set(role.name, await supergraph.token(role.token));
    }
  }, 60_000);

  afterAll(async () => {
    await supergraph?.stop();
    const lines = [...stats].map(
      ([role, counts]) => `${role.padEnd(42)} ${[...counts].map(([what, n]) => `${what} ${n}`).join(', ')}`,
    );
    console.log(
      `fuzz: seed ${SEED}, ${RUNS} runs per role, ${((Date.now() - started) / 1000).toFixed(1)} s\n${lines.join('\n')}`,
    );
  });

  async function send(role: Role, request: FuzzRequest): Promise<GraphQLResponse> {
    const token = tokens.get(role.name);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return request.kind === 'raw'
      ? postGraphQL(supergraph.url, headers, request.body)
      : postGraphQL(supergraph.url, headers, { query: request.query, variables: request.variables });
  }

  async function world(): Promise<World> {
    const records = supergraph.subgraphs.records.database.dataSource;
    const [patients, entries, exclusions, apps] = await Promise.all([
      records.getRepository(PatientEntity).find(),
      records.getRepository(RecordEntryEntity).find(),
      records.getRepository(ExclusionEventEntity).find(),
      records.getRepository(ApprovedAppEntity).find(),
    ]);
    const now = supergraph.clock.now();
    const codes = [...new Set(patients.map((patient) => patient.odsCode))];
    const histories = await new RolloutStore(supergraph.subgraphs.rollout.database.dataSource).histories(codes);
    const byPatient = new Map<string, ExclusionEventRow[]>();
    for (const event of exclusions) byPatient.set(event.nhsNumber, [...(byPatient.get(event.nhsNumber) ?? []), event]);
    return {
      now,
      patients: new Map(patients.map((patient) => [patient.nhsNumber, patient])),
      entries,
      exclusions: byPatient,
      apps: new Map(apps.map((approval) => [approval.clientId, approval])),
      practices: new Map(codes.map((code) => [code, deriveRolloutState(histories.get(code) ?? [], now)])),
    };
  }

  /** The entries a response shows that its reader may not see, judged against the databases now. */
  async function leaks(reader: Reader, response: GraphQLResponse): Promise<{ leaked: string[]; shown: number }> {
    const texts = [...new Set(stringsIn(response.body).flatMap(entryTextsIn))];
    if (texts.length === 0) return { leaked: [], shown: 0 };
    const now = await world();
    const leaked: string[] = [];
    let shown = 0;
    for (const text of texts) {
      const entries = now.entries.filter((entry) => entry.title === text || entry.body === text);
      // A marked text that is no entry's is the client's own input coming back, not an entry.
      if (entries.length === 0) continue;
      shown += 1;
      if (!entries.some((entry) => maySee(reader, entry, now))) {
        leaked.push(
          `${JSON.stringify(text.slice(0, 80))} (an entry of ${[...new Set(entries.map((entry) => entry.nhsNumber))].join(', ')})`,
        );
      }
    }
    return { leaked, shown };
  }

  function record(role: Role, response: GraphQLResponse, shown: number, failClosed: number) {
    count(role, 'requests');
    count(role, `HTTP ${response.status}`);
    for (const error of response.body.errors ?? []) count(role, String(error.extensions?.code));
    if (shown > 0) count(role, 'answers with entries');
    if (failClosed > 0) count(role, 'fail-closed');
  }

  /** Sends one request as the role and checks every property; throws (for fast-check to shrink) on a finding. */
  async function check(role: Role, request: FuzzRequest): Promise<void> {
    const before = logged.length;
    const response = await send(role, request);
    const { leaked, shown } = await leaks(role.reader, response);
    const failClosed = logged.slice(before).filter((line) => line.includes(FAIL_CLOSED_LOG)).length;
    record(role, response, shown, failClosed);
    const problems = [
      ...problemsWith(response, failClosed),
      ...leaked.map((entry) => `an entry the ${role.name} may not see: ${entry}`),
    ];
    if (problems.length > 0) {
      const answer = JSON.stringify(response.body).slice(0, 2000);
      const causes = logged.slice(before).join('').slice(0, 2000);
      throw new Error(
        `${role.name}: ${problems.join('; ')}\nHTTP ${response.status} ${answer}${causes ? `\nlogged: ${causes}` : ''}`,
      );
    }
  }

  /** The gateway and every subgraph still answer, and a trivial request still gets its data. */
  async function expectAlive() {
    expect((await fetch(supergraph.url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
    expect((await fetch(supergraph.url.replace(/\/graphql$/, '/readyz'))).status).toBe(200);
    const response = await supergraph.graphql(
      await supergraph.token(Scenario.analyst),
      `{ practice(odsCode: "${PRACTICE}") { odsCode } }`,
    );
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: { data: { practice: { odsCode: PRACTICE } } },
    });
  }

  const runs = (factor: number) => Math.max(1, Math.round(RUNS * factor));
  const timeout = (factor: number) => 60_000 + runs(factor) * 2_000;

  it('generates from the public API only: nothing @inaccessible, every root field of the contract', () => {
    const query = api.getQueryType()!.getFields();
    expect(query.practiceMembership).toBeUndefined();
    expect(api.getType('PracticeMembership')).toBeUndefined();
    expect(Object.keys(query)).toEqual(expect.arrayContaining(['practice', 'practices', 'me', 'patient', 'patients', 'apps']));
    expect(Object.keys(api.getMutationType()!.getFields())).toEqual(
      expect.arrayContaining(['addRecordEntry', 'approveApp', 'switchOn']),
    );
  });

  it('the safety check sees an entry shown to a token that may not see it', async () => {
    // The clinical view of the practice's patients, as its clinician rightly sees it...
    const response = await send(
      ROLES.find((role) => role.name === `clinician of ${PRACTICE}`)!,
      {
        kind: 'operation',
        query: `{ patient(nhsNumber: "${PATIENT}") { clinicalRecord(first: 100) { edges { node { title body } } } } }`,
      },
    );
    expect(response.status).toBe(200);
    expect((await leaks({ kind: 'clinician', odsCode: PRACTICE }, response)).leaked).toEqual([]);
    // ...judged as if another reader had received it.
    // The demo patient's 12 entries, each a title and a body.
    expect((await leaks(NOBODY, response)).leaked).toHaveLength(24);
    expect((await leaks({ kind: 'clinician', odsCode: OTHER_PRACTICE }, response)).leaked).toHaveLength(24);
    const patientLeaks = (await leaks({ kind: 'patient', nhsNumber: PATIENT }, response)).leaked.join('\n');
    // Before switch-on, unfiled, hidden, at the pause instant, during the pause: never to the patient.
    for (const title of [
      'Consultation before switch-on',
      'Thyroid function',
      'Consultation (do not show online)',
      'Consultation at the pause instant',
      'Diagnosis during the pause',
    ]) {
      expect(patientLeaks).toContain(title);
    }
    expect(patientLeaks).not.toContain('Metformin');
    expect((await leaks({ kind: 'patient', nhsNumber: '9990002746' }, response)).leaked).toHaveLength(24);
    // And an error message quoting an entry is a leak too.
    expect(
      (await leaks(NOBODY, { status: 400, body: { errors: [{ message: 'No entry "Metformin 500 mg tablets" here' }] } })).leaked,
    ).toHaveLength(1);
  });

  describe.each(ROLES.map((role, i) => [role.name, role, i] as const))('%s', (_name, role, i) => {
    it(
      'no 5xx, no internal error or detail, no entry it may not see; the services stay up',
      async () => {
        await fc.assert(
          fc.asyncProperty(generators.get(role.focus)!, (request) => check(role, request)),
          { numRuns: runs(1), seed: SEED + i },
        );
        await expectAlive();
      },
      timeout(1),
    );
  });

  it(
    'garbage bodies, for every role',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ROLES.map((role) => role.name)), garbage, (name, body) =>
          check(
            ROLES.find((role) => role.name === name)!,
            { kind: 'raw', body },
          ),
        ),
        { numRuns: runs(2), seed: SEED + 100 },
      );
      await expectAlive();
    },
    timeout(2),
  );

  it(
    'every role in turn, in the world the fuzzed mutations have changed',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ROLES).chain((role) => generators.get(role.focus)!.map((request) => ({ role: role.name, request }))),
          ({ role, request }) =>
            check(
              ROLES.find((candidate) => candidate.name === role)!,
              request,
            ),
        ),
        { numRuns: runs(4), seed: SEED + 200 },
      );
      await expectAlive();
      // The safety property judged real entries, not only refusals.
      const readers = ['patient P9', 'app demo-app with record:read', `clinician of ${PRACTICE}`];
      const reached = Object.fromEntries(readers.map((reader) => [reader, counted(reader, 'answers with entries') > 0]));
      expect(reached).toEqual(Object.fromEntries(readers.map((reader) => [reader, true])));
    },
    timeout(4),
  );
});
