import {
  buildSchema,
  getIntrospectionQuery,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { GatewayContext } from '../../../gateway/gateway-context';
import { operationCost, operationCostPlugin } from '../../../gateway/operation-cost';
import { REQUEST_LIMITS } from '../../../gateway/request-limits';
import { LIMITS_SCHEMA, range } from './limits-schema';

function cost(source: string, variables?: Record<string, unknown>, operationName?: string): number {
  const document = parse(source);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  return operationCost(LIMITS_SCHEMA, document, operation, variables);
}

describe('the cost of an operation: each field once per time it may be resolved', () => {
  it('is one per field without pages', () => {
    expect(cost('{ me { nhsNumber registeredPractice { odsCode name } } }')).toBe(5);
  });

  it('multiplies what a field with `first` selects by that many items', () => {
    // 1 + 200 × (edges, node, icb, practices + 200 × (edges, node, odsCode))
    const nestedPages =
      '{ practices(first: 200) { edges { node { icb { practices(first: 200) { edges { node { odsCode } } } } } } } }';
    expect(cost(nestedPages)).toBe(120_801);
  });

  it("uses the schema's default page size when `first` is left out (50 practices, 20 entries)", () => {
    expect(cost('{ practices { edges { node { name } } } }')).toBe(1 + 50 * 3);
    expect(cost('{ me { record { edges { node { title } } } } }')).toBe(2 + 20 * 3);
  });

  it('reads `first` from a variable, its default, or else the field default', () => {
    const query = 'query($n: Int) { practices(first: $n) { totalCount } }';
    expect(cost(query, { n: 200 })).toBe(201);
    expect(cost('query($n: Int = 120) { practices(first: $n) { totalCount } }')).toBe(121);
    expect(cost(query, {})).toBe(51);
    expect(cost(query, { n: null })).toBe(51);
  });

  it('counts a page size that is no size (0, negative, a variable that does not coerce) as one item', () => {
    expect(cost('{ practices(first: 0) { totalCount } }')).toBe(2);
    expect(cost('{ practices(first: -1000000) { edges { node { icb { practices(first: 200) { totalCount } } } } } }')).toBe(
      1 + 4 + 200,
    );
    expect(cost('query($n: Int) { practices(first: $n) { totalCount } }', { n: 'lots' })).toBe(51);
  });

  it('counts fields as written: a field repeated 500 times counts 500 times', () => {
    expect(cost(`{ me { ${'nhsNumber '.repeat(500)}} }`)).toBe(501);
    expect(cost(`{ practices { edges { node { ${'name '.repeat(500)}} } } }`)).toBe(1 + 50 * 502);
  });

  it('counts fragments where they are spread, inline or named', () => {
    const inline = '{ practices(first: 10) { edges { node { ... on Practice { name odsCode } } } } }';
    const named = '{ practices(first: 10) { edges { node { ...Names } } } } fragment Names on Practice { name odsCode }';
    expect(cost(inline)).toBe(1 + 10 * 4);
    expect(cost(named)).toBe(1 + 10 * 4);
  });

  it('costs each named fragment once, so spreads of spreads cannot make it explode', () => {
    // Each fragment spreads the next twice: 2^40 paths if walked naively.
    const fragments = range(40).map((i) => `fragment F${i} on Practice { name ...F${i + 1} ...F${i + 1} }`);
    const source = `{ practice(odsCode: "A81001") { ...F0 } } ${fragments.join(' ')} fragment F40 on Practice { name }`;
    const started = performance.now();
    expect(cost(source)).toBe(1 + 2 ** 41 - 1);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('ends a fragment cycle (refused by validation anyway)', () => {
    expect(cost('{ ...A } fragment A on Query { me { nhsNumber } ...B } fragment B on Query { ...A }')).toBe(2);
  });

  it('costs the operation asked for, and mutations alike', () => {
    const source = 'query Small { me { nhsNumber } } query Large { practices(first: 200) { totalCount } }';
    expect(cost(source, {}, 'Small')).toBe(2);
    expect(cost(source, {}, 'Large')).toBe(201);
    expect(cost('mutation { pauseAccess(odsCode: "A81001", reason: "r") { odsCode icb { code } } }')).toBe(4);
  });

  it("keeps Apollo Sandbox's introspection query far under the limit (lists without `first` count once)", () => {
    const document = parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(validate(LIMITS_SCHEMA, document)).toEqual([]);
    const operation = getOperationAST(document);
    expect(operationCost(LIMITS_SCHEMA, document, operation!)).toBeLessThan(REQUEST_LIMITS.cost / 10);
  });
});

describe('the cost limit, with costs remembered per parsed operation', () => {
  const schemaWithPageSize = (size: number) =>
    buildSchema(`type Query { items(first: Int = ${size}): [Item] } type Item { id: ID }`);
  const smallPages = schemaWithPageSize(10);
  const largePages = schemaWithPageSize(1000);

  /** Runs the plugin's check as Apollo Server would: resolves if allowed, rejects if over the limit. */
  async function check(
    plugin: ReturnType<typeof operationCostPlugin>,
    schema: GraphQLSchema,
    document: DocumentNode,
    variables?: Record<string, unknown>,
    contextValue: Partial<GatewayContext> = {},
  ): Promise<void> {
    const listener = await plugin.requestDidStart!({} as never);
    const operation = getOperationAST(document);
    await listener!.didResolveOperation!({ schema, document, operation, request: { variables }, contextValue } as never);
  }

  it('costs the same parsed operation again against another schema (a new supergraph)', async () => {
    const plugin = operationCostPlugin(100);
    const document = parse('{ items { id } }');
    await expect(check(plugin, smallPages, document)).resolves.toBeUndefined();
    await expect(check(plugin, smallPages, document)).resolves.toBeUndefined();
    await expect(check(plugin, largePages, document)).rejects.toThrow('Query cost 1001 exceeds the limit of 100');
    await expect(check(plugin, smallPages, document)).resolves.toBeUndefined();
  });

  it('costs each document by its own text', async () => {
    const plugin = operationCostPlugin(100);
    await expect(check(plugin, smallPages, parse('{ items { id } }'))).resolves.toBeUndefined();
    await expect(check(plugin, smallPages, parse('{ items(first: 500) { id } }'))).rejects.toThrow('Query cost 501');
  });

  it('costs an operation with variables on every request, by its variables', async () => {
    const plugin = operationCostPlugin(100);
    const document = parse('query ($n: Int) { items(first: $n) { id } }');
    await expect(check(plugin, smallPages, document, { n: 5 })).resolves.toBeUndefined();
    await expect(check(plugin, smallPages, document, { n: 500 })).rejects.toThrow('Query cost 501');
    await expect(check(plugin, smallPages, document, { n: 5 })).resolves.toBeUndefined();
  });

  it("hands an analyst's cost to admission once within the limit, and waits for it; over the limit, never", async () => {
    const plugin = operationCostPlugin(100);
    const admitted: number[] = [];
    let admit!: () => void;
    const admitByCost = (cost: number) => {
      admitted.push(cost);
      return new Promise<void>((resolve) => (admit = resolve));
    };
    let done = false;
    const checked = check(plugin, smallPages, parse('{ items(first: 7) { id } }'), undefined, { admitByCost }).then(
      () => (done = true),
    );
    await Promise.resolve();
    expect(admitted).toEqual([8]);
    expect(done).toBe(false);
    admit();
    await checked;
    expect(done).toBe(true);
    await expect(check(plugin, smallPages, parse('{ items(first: 500) { id } }'), undefined, { admitByCost })).rejects.toThrow(
      'Query cost 501',
    );
    expect(admitted).toEqual([8]);
  });
});
