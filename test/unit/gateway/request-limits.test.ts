import { parse, validate } from 'graphql';
import { LIMITED_PARSING, namingTheTokenLimit, requestLimitRules } from '../../../gateway/request-limits';
import { LIMITS_SCHEMA, nested, range } from './limits-schema';

/** The messages of the request limits alone (graphql-js's own rules are not run here). */
const refusals = (source: string) => validate(LIMITS_SCHEMA, parse(source), requestLimitRules()).map((error) => error.message);

const LOOP = ['practices(first: 1)', 'edges', 'node', 'icb'];

describe('depth: the fields on the longest path, the leaf included', () => {
  it('10 passes and 11 is refused, naming the limit and the depth found', () => {
    expect(refusals(nested(['integratedCareBoards', ...LOOP, ...LOOP], 'code'))).toEqual([]);
    expect(refusals(nested(['integratedCareBoards', ...LOOP, ...LOOP, 'practices'], 'totalCount'))).toEqual([
      'Query depth 11 exceeds the limit of 10',
    ]);
  });

  it('counts through fragments without counting the fragments themselves', () => {
    const source = `
      query { integratedCareBoards { ...Page } }
      fragment Page on IntegratedCareBoard { practices { edges { ... on PracticeEdge { node { ...Deeper } } } } }
      fragment Deeper on Practice { icb { practices { edges { node { icb { code } } } } } }`;
    expect(refusals(source)).toEqual([]);
    expect(refusals(source.replace('icb { code }', 'icb { practices { totalCount } }'))).toEqual([
      'Query depth 11 exceeds the limit of 10',
    ]);
  });

  it('counts `__schema` beside data: introspection is never skipped', () => {
    const source =
      '{ me { nhsNumber } __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }';
    expect(refusals(source)).toEqual(['Query depth 11 exceeds the limit of 10']);
  });

  it('holds an operation of only introspection to 20, so the full introspection query (15) passes', () => {
    const ofTypes = (n: number) => nested(['__type(name: "Query")', ...range(n).map(() => 'ofType')], 'name');
    expect(refusals(ofTypes(18))).toEqual([]);
    expect(refusals(ofTypes(19))).toEqual(['Introspection depth 21 exceeds the limit of 20']);
  });

  it('is measured for each operation of a document', () => {
    const deep = nested(['integratedCareBoards', ...LOOP, ...LOOP, 'practices'], 'totalCount');
    expect(refusals(`query Shallow { me { nhsNumber } } query Deep ${deep}`)).toEqual(['Query depth 11 exceeds the limit of 10']);
  });
});

describe('aliases, directives and root fields: counted as written', () => {
  const aliases = (n: number) => range(n).map((i) => `a${i}: nhsNumber`);

  it('20 aliases pass, 21 are refused, including those in fragments', () => {
    expect(refusals(`{ me { ${aliases(20).join(' ')} } }`)).toEqual([]);
    expect(refusals(`{ me { ${aliases(20).join(' ')} ...More } } fragment More on Patient { last: nhsNumber }`)).toEqual([
      'Alias count 21 exceeds the limit of 20',
    ]);
  });

  it('aliases of `__typename` count (armor allows them by default)', () => {
    expect(
      refusals(
        `{ me { ${range(21)
          .map((i) => `t${i}: __typename`)
          .join(' ')} } }`,
      ),
    ).toEqual(['Alias count 21 exceeds the limit of 20']);
  });

  it('20 directives pass, 21 are refused, wherever they stand', () => {
    const directives = (n: number) => range(n).map(() => '@include(if: true)');
    expect(refusals(`{ me { nhsNumber ${directives(20).join(' ')} } }`)).toEqual([]);
    expect(refusals(`query { me { nhsNumber ${directives(20).join(' ')} ... @skip(if: false) { nhsNumber } } }`)).toEqual([
      'Directive count 21 exceeds the limit of 20',
    ]);
  });

  it('20 root fields pass, 21 are refused: duplicates, `__typename` and fragments included', () => {
    expect(refusals(`{ ${'__typename '.repeat(20)}}`)).toEqual([]);
    expect(refusals(`{ ${'__typename '.repeat(21)}}`)).toEqual(['Root field count 21 exceeds the limit of 20']);
    expect(refusals(`{ ${'me { nhsNumber } '.repeat(20)} ...Q } fragment Q on Query { practices { totalCount } }`)).toEqual([
      'Root field count 21 exceeds the limit of 20',
    ]);
  });

  it('a fragment cycle ends every count (graphql-js refuses the cycle itself)', () => {
    expect(refusals('query { ...A } fragment A on Query { me { nhsNumber } ...B } fragment B on Query { ...A }')).toEqual([]);
  });
});

describe('tokens: graphql-js stops parsing at the limit', () => {
  // `{ me {`, the fields, `} }`: five tokens and the fields.
  const tokens = (n: number) => `{ me { ${'nhsNumber '.repeat(n - 5)}} }`;

  it('parses 3,000 tokens and refuses 3,001, which the gateway names as the token limit', () => {
    expect(() => parse(tokens(3000), LIMITED_PARSING)).not.toThrow();
    let message = '';
    try {
      parse(tokens(3001), LIMITED_PARSING);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Syntax Error: Document contains more tha[nt] 3000 tokens/);
    expect(namingTheTokenLimit(message)).toBe('Token count exceeds the limit of 3000');
  });

  it('leaves every other syntax error as it is', () => {
    expect(namingTheTokenLimit('Syntax Error: Expected Name, found "}".')).toBe('Syntax Error: Expected Name, found "}".');
  });
});
