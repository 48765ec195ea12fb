import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkTrustedOperations,
  manifestEntry,
  manifestOf,
  MAX_TRUSTED_OPERATIONS,
  operationId,
  type OperationCandidate,
} from '../../../platform/trusted-operations';

const entry = (body: string, name: string, type = 'query'): OperationCandidate => ({ id: operationId(body), name, type, body });

describe('what nhse may register as an app trusted operation', () => {
  it('a named query of `me`, its id the SHA-256 of its body, passes; so does an empty list', () => {
    expect(checkTrustedOperations([entry('query Mine { me { nhsNumber } }', 'Mine')])).toBeNull();
    expect(
      checkTrustedOperations([
        entry('query Mine($f: Int) { ...M } fragment M on Query { me { record(first: $f) { totalCount } } }', 'Mine'),
      ]),
    ).toBeNull();
    expect(checkTrustedOperations([])).toBeNull();
  });

  it.each<[string, OperationCandidate[], string]>([
    [
      'a subscription',
      [entry('subscription S { me { nhsNumber } }', 'S', 'subscription')],
      'operations[0]: an app may register queries only',
    ],
    [
      'a mutation typed as a query',
      [entry('mutation M { __typename }', 'M')],
      'operations[0]: an app may register only queries of `me` (the patient view)',
    ],
    [
      'a root field other than `me`',
      [entry('query P { practices { totalCount } }', 'P')],
      'operations[0]: an app may register only queries of `me` (the patient view)',
    ],
    [
      'a skipped root field',
      [entry('query P { me { nhsNumber } rolloutSummary @skip(if: true) { total } }', 'P')],
      'operations[0]: an app may register only queries of `me` (the patient view)',
    ],
    [
      'a name that differs from the body',
      [entry('query Mine { me { nhsNumber } }', 'Yours')],
      'operations[0]: its body must be one operation named as the operation is',
    ],
    [
      'a name that is no GraphQL name',
      [entry('query Mine { me { nhsNumber } }', 'my name')],
      'operations[0]: its name must be a GraphQL name of at most 100 characters',
    ],
    [
      'an upper-case id',
      [{ ...entry('query Mine { me { nhsNumber } }', 'Mine'), id: operationId('query Mine { me { nhsNumber } }').toUpperCase() }],
      'operations[0]: its id must be the SHA-256 (lowercase hex) of its body',
    ],
    [
      'a body too long',
      [entry(`query Long { me { nhsNumber } } ${'#'.repeat(20_000)}`, 'Long')],
      'operations[0]: its body is longer than 20000 characters',
    ],
    [
      'one id twice',
      [entry('query A { me { nhsNumber } }', 'A'), entry('query A { me { nhsNumber } }', 'A')],
      'operations[1]: its id is registered twice',
    ],
  ])('%s is refused, naming the operation by position', (_case, operations, problem) => {
    expect(checkTrustedOperations(operations)).toBe(problem);
  });

  it(`at most ${MAX_TRUSTED_OPERATIONS} operations`, () => {
    const many = Array.from({ length: MAX_TRUSTED_OPERATIONS + 1 }, (_, i) => entry(`query Q${i} { me { nhsNumber } }`, `Q${i}`));
    expect(checkTrustedOperations(many)).toBe(`An app may register at most ${MAX_TRUSTED_OPERATIONS} operations`);
    expect(checkTrustedOperations(many.slice(1))).toBeNull();
  });
});

describe("the app's ready operations and their manifest", () => {
  const dir = join(__dirname, '..', '..', '..', 'schema', 'operations', 'app');
  const files = readdirSync(dir).filter((file) => file.endsWith('.graphql'));

  it('a manifest entry drops comments and layout and adds __typename below the root, as Apollo Client does; its id hashes that body', () => {
    const entry = manifestEntry('# Why?\nquery   Mine {\n me { nhsNumber record { totalCount __typename } } }');
    const body =
      'query Mine {\n  me {\n    nhsNumber\n    record {\n      totalCount\n      __typename\n    }\n    __typename\n  }\n}';
    expect(entry).toEqual({ id: operationId(body), name: 'Mine', type: 'query', body });
  });

  it('the committed manifest is the one the .graphql files make (npm run manifest:app)', () => {
    const committed = JSON.parse(readFileSync(join(dir, 'persisted-query-manifest.json'), 'utf8')) as unknown;
    expect(committed).toEqual(manifestOf(files.map((file) => readFileSync(join(dir, file), 'utf8'))));
  });

  it.each(files)('%s says what it answers and its variables, and registration accepts it', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const [question, variables] = source.split('\n');
    expect(question).toMatch(/^# .+\?$/);
    expect(variables).toMatch(/^# Variables: \{.*\}$/);
    expect(checkTrustedOperations([manifestEntry(source)])).toBeNull();
  });
});
