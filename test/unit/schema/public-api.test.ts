import { readFileSync } from 'node:fs';
import {
  checkSchema,
  deprecationProblems,
  describeUnrecorded,
  PUBLIC_API_PATH,
  publicApiSdl,
  recordedChanges,
  type RecordedChange,
} from '../../../schema/public-api';

/**
 * Schema checks (docs/api.md "Schema checks"; decision 0062): the public API schema may change
 * only in ways that keep existing clients working, unless the change is recorded; the committed
 * baseline is the current API schema; every deprecation says why.
 */
describe('the public API schema', () => {
  const baseline = readFileSync(PUBLIC_API_PATH, 'utf8');

  it('changes from the committed baseline only in ways no client notices, or as recorded', async () => {
    const check = await checkSchema(baseline, publicApiSdl(), recordedChanges());
    if (check.unrecorded.length) throw new Error(describeUnrecorded(check.unrecorded));
  });

  it('is the committed baseline (after an addition, run npm run schema:baseline)', () => {
    expect(publicApiSdl()).toBe(baseline);
  });

  it('shows clients no federation internals: no join__ or link__ names, no _entities, no @inaccessible fields', () => {
    expect(baseline).not.toMatch(/join__|link__|_entities|_service|@inaccessible/);
  });

  it('deprecates only with a reason that says why or what to use instead', () => {
    expect(deprecationProblems()).toEqual([]);
  });

  it('keeps each recorded change complete: type, path, criticality, change, a real reason and a date', () => {
    for (const entry of recordedChanges()) {
      expect(entry).toEqual({
        type: expect.stringMatching(/^[A-Z_]+$/) as unknown,
        path: expect.stringMatching(/\S/) as unknown,
        criticality: expect.stringMatching(/^(BREAKING|DANGEROUS)$/) as unknown,
        change: expect.stringMatching(/\S/) as unknown,
        reason: expect.stringMatching(/\S{3,}.*\s.*\S{3,}/) as unknown,
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
      });
    }
  });
});

describe('the schema check catches what breaks a client', () => {
  const BASE = `
    type Query { practice(odsCode: ID!): Practice  practices(first: Int = 50): [Practice!]! }
    type Practice { odsCode: ID!  name: String!  accessStatus: AccessStatus! }
    enum AccessStatus { NOT_SCHEDULED SCHEDULED ENABLED PAUSED }
    input PracticeInput { odsCode: ID!  name: String! }
    type Mutation { upsertPractice(input: PracticeInput!): Practice! }
  `;
  const changed = (from: string, to: string) => {
    if (!BASE.includes(from)) throw new Error(`not in the sample: ${from}`);
    return BASE.replace(from, to);
  };
  const unrecorded = async (sdl: string, recorded: RecordedChange[] = []) =>
    (await checkSchema(BASE, sdl, recorded)).unrecorded.map(
      (change) => `${change.criticality.level} ${change.type} ${change.path}`,
    );

  it.each([
    ['a removed field', changed('name: String!  accessStatus', 'accessStatus'), 'BREAKING FIELD_REMOVED Practice.name'],
    [
      'a retyped field',
      changed('name: String!  accessStatus', 'name: Int!  accessStatus'),
      'BREAKING FIELD_TYPE_CHANGED Practice.name',
    ],
    [
      'a field made nullable',
      changed('name: String!  accessStatus', 'name: String  accessStatus'),
      'BREAKING FIELD_TYPE_CHANGED Practice.name',
    ],
    [
      'a new required argument',
      changed('practices(first: Int = 50)', 'practices(first: Int = 50, icbCode: ID!)'),
      'BREAKING FIELD_ARGUMENT_ADDED Query.practices.icbCode',
    ],
    [
      'a removed argument',
      changed('practices(first: Int = 50)', 'practices'),
      'BREAKING FIELD_ARGUMENT_REMOVED Query.practices.first',
    ],
    [
      'a retyped argument',
      changed('practice(odsCode: ID!)', 'practice(odsCode: String!)'),
      'BREAKING FIELD_ARGUMENT_TYPE_CHANGED Query.practice.odsCode',
    ],
    ['a removed enum value', changed('ENABLED PAUSED', 'ENABLED'), 'BREAKING ENUM_VALUE_REMOVED AccessStatus.PAUSED'],
    [
      'a new required input field',
      changed('name: String! }', 'name: String!  icbCode: ID! }'),
      'BREAKING INPUT_FIELD_ADDED PracticeInput.icbCode',
    ],
    [
      'a removed type',
      changed('type Mutation { upsertPractice(input: PracticeInput!): Practice! }', ''),
      'BREAKING TYPE_REMOVED Mutation',
    ],
    [
      'an added enum value (dangerous)',
      changed('ENABLED PAUSED', 'ENABLED PAUSED EXCLUDED'),
      'DANGEROUS ENUM_VALUE_ADDED AccessStatus.EXCLUDED',
    ],
    [
      'a changed default (dangerous)',
      changed('practices(first: Int = 50)', 'practices(first: Int = 20)'),
      'DANGEROUS FIELD_ARGUMENT_DEFAULT_CHANGED Query.practices.first',
    ],
  ])('%s', async (_what, sdl, expected) => {
    expect(await unrecorded(sdl)).toContain(expected);
  });

  it('lets additions pass unrecorded: a new field, type, optional argument or optional input field', async () => {
    const sdl = changed('type Practice { odsCode: ID!', 'type Practice { postcode: String  odsCode: ID!')
      .replace('practices(first: Int = 50)', 'practices(first: Int = 50, after: String)')
      .replace('name: String! }', 'name: String!  postcode: String }')
      .concat('\n type IntegratedCareBoard { code: ID! }');
    const check = await checkSchema(BASE, sdl, []);
    expect(check.unrecorded).toEqual([]);
    expect(check.safe.length).toBeGreaterThanOrEqual(3);
  });

  it('lets a recorded change pass, and only that one', async () => {
    const sdl = changed('name: String!  accessStatus', 'accessStatus').replace('ENABLED PAUSED', 'ENABLED');
    const record: RecordedChange = {
      type: 'FIELD_REMOVED',
      path: 'Practice.name',
      criticality: 'BREAKING',
      change: "Field 'name' was removed from object type 'Practice'",
      reason: 'Replaced by displayName after every client moved (example)',
      date: '2026-12-05',
    };
    expect(await unrecorded(sdl, [record])).toEqual(['BREAKING ENUM_VALUE_REMOVED AccessStatus.PAUSED']);
  });

  it('says what changed and how to record it', async () => {
    const check = await checkSchema(BASE, changed('ENABLED PAUSED', 'ENABLED'), []);
    const message = describeUnrecorded(check.unrecorded);
    expect(message).toMatch(/BREAKING ENUM_VALUE_REMOVED AccessStatus.PAUSED/);
    expect(message).toMatch(/schema\/breaking-changes.json/);
    expect(message).toMatch(/@deprecated/);
  });

  it('finds deprecations without a real reason, naming where', () => {
    expect(
      deprecationProblems({
        sample: `type Query {
          a: String @deprecated
          b: String @deprecated(reason: "No longer supported")
          c: String @deprecated(reason: "old")
          d: String @deprecated(reason: "Use \`practices\`, which pages and filters by ICB")
        }
        enum E { X @deprecated(reason: "") Y }`,
      }),
    ).toEqual([
      'sample: Query.a: @deprecated without a reason',
      'sample: Query.b: @deprecated with the default reason',
      'sample: Query.c: @deprecated reason "old" says neither why nor what to use instead',
      'sample: E.X: @deprecated without a reason',
    ]);
  });
});
