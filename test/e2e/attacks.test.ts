import { getIntrospectionQuery } from 'graphql';
import { INTROSPECTION_REFUSAL } from '../../gateway/schema-discovery';
import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario } from '../helpers/scenario';
import { postGraphQL, startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * Hostile requests in the spirit of graphql-cop, sent through the real gateway over HTTP, mostly
 * with a patient's token (the lowest privilege that can reach data) and, where it changes the
 * answer, with none. Each is refused with a status, a code and a message that names the limit,
 * and no subgraph receives a single HTTP request meanwhile. Operations at the limits still pass.
 */
describe('hostile requests are refused at the gateway, before any subgraph is called', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81010';
  const nhsNumber = '9990001375';
  const patient = Scenario.patient(nhsNumber);
  /** `n` pieces of an operation, numbered from 0, space-separated. */
  const many = (n: number, each: (i: number) => string) => Array.from({ length: n }, (_, i) => each(i)).join(' ');

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice);
    await s.switchOn(practice);
    await s.registerPatient(practice, nhsNumber);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  const reachedDuring = <T>(send: () => Promise<T>) => supergraph.reachedDuring(send);

  const sent = (who: TokenRequest | null, query: string, variables?: Record<string, unknown>) =>
    reachedDuring(async () => (who ? s.as(who, query, variables) : supergraph.graphql(null, query, variables)));

  /** Any HTTP request to the gateway's /graphql, as a browser or a script could send it. */
  const raw = (init: { method?: string; search?: string; headers?: Record<string, string>; body?: string }) =>
    reachedDuring(async (): Promise<GraphQLResponse & { headers: Headers }> => {
      const response = await fetch(`${supergraph.url}${init.search ?? ''}`, {
        method: init.method ?? 'POST',
        headers: init.headers ?? {},
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      const text = await response.text();
      try {
        return { status: response.status, headers: response.headers, body: JSON.parse(text) as GraphQLResponse['body'] };
      } catch {
        return { status: response.status, headers: response.headers, body: { errors: [{ message: text }] } };
      }
    });

  const bearer = async (who: TokenRequest) => ({ authorization: `Bearer ${await s.token(who)}` });
  const messages = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.message);
  const codesOf = (response: GraphQLResponse) => [...new Set((response.body.errors ?? []).map((e) => e.extensions?.code))];

  // ------------------------------------------------------------------ operations

  /** `{ a { b { ... leaf } } }`: as deep as the fields, plus the leaf. */
  const nested = (fields: string[], leaf: string) =>
    `{ ${fields.map((field) => `${field} {`).join(' ')} ${leaf} ${'} '.repeat(fields.length)}}`;
  const LOOP = ['practices(first: 1)', 'edges', 'node', 'icb'];
  const DEPTH_10 = nested(['integratedCareBoards', ...LOOP, ...LOOP], 'code');
  const DEPTH_11 = nested(['integratedCareBoards', ...LOOP, ...LOOP, 'practices(first: 1)'], 'totalCount');
  const NESTED_PAGES = `{ practices(first: 200) { edges { node { icb { practices(first: 200) { edges { node { odsCode } } } } } } } }`;

  describe('operation limits: HTTP 400, BAD_USER_INPUT, a message naming the limit, nothing echoed', () => {
    it.each<{ attack: string; query: string; variables?: Record<string, unknown>; message: string }>([
      { attack: 'deep nesting (11 levels)', query: DEPTH_11, message: 'Query depth 11 exceeds the limit of 10' },
      {
        attack: 'alias overload (21 aliases)',
        query: `{ me { ${many(21, (i) => `a${i}: nhsNumber`)} } }`,
        message: 'Alias count 21 exceeds the limit of 20',
      },
      {
        attack: 'more than 20 root fields (`me` 21 times)',
        query: `{ ${'me { nhsNumber } '.repeat(21)}}`,
        message: 'Root field count 21 exceeds the limit of 20',
      },
      {
        attack: 'field duplication at the root (`__typename` 500 times, as graphql-cop sends it)',
        query: `{ ${'__typename '.repeat(500)}}`,
        message: 'Root field count 500 exceeds the limit of 20',
      },
      {
        attack: 'field duplication in a list (`name` 500 times in a page of the default 50 practices)',
        query: `{ practices { edges { node { ${'name '.repeat(500)}} } } }`,
        message: 'Query cost 25101 exceeds the limit of 10000',
      },
      {
        attack: 'cost: a page of 200 practices, each with a page of 200 practices',
        query: NESTED_PAGES,
        message: 'Query cost 120801 exceeds the limit of 10000',
      },
      {
        attack: 'cost: the same with `first` from a variable',
        query: `query($n: Int) { practices(first: $n) { edges { node { icb { practices(first: $n) { edges { node { odsCode } } } } } } } }`,
        variables: { n: 200 },
        message: 'Query cost 120801 exceeds the limit of 10000',
      },
      {
        attack: "cost: the same with `first` from a variable's default",
        query: `query($n: Int = 200) { practices(first: $n) { edges { node { icb { practices(first: $n) { edges { node { odsCode } } } } } } } }`,
        message: 'Query cost 120801 exceeds the limit of 10000',
      },
      {
        attack: 'token limit (3,001 tokens)',
        query: `{ me { ${'nhsNumber '.repeat(2996)}} }`,
        message: 'Token count exceeds the limit of 3000',
      },
    ])('$attack', async ({ query, variables, message }) => {
      const { response, reached } = await sent(patient, query, variables);
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toHaveLength(1);
      const [error] = response.body.errors!;
      expect(error!.message).toBe(message);
      expect(error!.extensions).toEqual({ code: 'BAD_USER_INPUT', requestId: response.requestId });
      // Nothing of the operation or its variables comes back: only the limit and the count.
      expect(Object.keys(error!).filter((key) => key !== 'locations')).toEqual(['message', 'extensions']);
      expect(reached).toEqual({});
    });

    it('alias overload of `__typename` (100 aliases): armor exempts it by default; here it counts', async () => {
      const { response, reached } = await sent(patient, `{ ${many(100, (i) => `alias${i}: __typename`)} }`);
      expect(response.status).toBe(400);
      expect(messages(response)).toEqual([
        'Alias count 100 exceeds the limit of 20',
        'Root field count 100 exceeds the limit of 20',
      ]);
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
      expect(reached).toEqual({});
    });

    it('directive overload (50 `@include(if: true)` on one field)', async () => {
      const { response, reached } = await sent(patient, `{ me { nhsNumber ${'@include(if: true) '.repeat(50)}} }`);
      expect(response.status).toBe(400);
      // graphql-js adds its own refusal of each repeated @include; the limit is named first.
      expect(messages(response)[0]).toBe('Directive count 50 exceeds the limit of 20');
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
      expect(reached).toEqual({});
    });

    it('directive overload spread over fields (21 fields, one directive each)', async () => {
      const query = `{ me { ${many(21, (i) => `f${i}: nhsNumber @skip(if: false)`)} } }`;
      const { response, reached } = await sent(patient, query);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [
          {
            message: 'Alias count 21 exceeds the limit of 20',
            extensions: { code: 'BAD_USER_INPUT', requestId: response.requestId },
          },
          {
            message: 'Directive count 21 exceeds the limit of 20',
            extensions: { code: 'BAD_USER_INPUT', requestId: response.requestId },
          },
        ],
      });
      expect(reached).toEqual({});
    });

    it.each([
      [
        'two fragments spreading each other',
        'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
        /within itself/,
      ],
      [
        'a fragment spreading itself below a page',
        '{ me { registeredPractice { ...P } } } fragment P on Practice { icb { practices(first: 200) { edges { node { ...P } } } } }',
        /within itself/,
      ],
    ])('circular fragments: %s', async (_what, query, message) => {
      const { response, reached } = await sent(patient, query);
      expect(response.status).toBe(400);
      expect(messages(response).some((text) => message.test(text))).toBe(true);
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
      expect(reached).toEqual({});
    });

    it.each([
      ['deep nesting', DEPTH_11],
      ['alias overload', `{ me { ${many(21, (i) => `a${i}: nhsNumber`)} } }`],
      ['the token limit', `{ me { ${'nhsNumber '.repeat(2996)}} }`],
      ['cost', NESTED_PAGES],
      ['introspection', '{ __schema { types { name } } }'],
    ])('without a token, %s is UNAUTHENTICATED (401) before anything is parsed', async (_what, query) => {
      const { response, reached } = await sent(null, query);
      expect(response.status).toBe(401);
      expect(codesOf(response)).toEqual(['UNAUTHENTICATED']);
      expect(reached).toEqual({});
    });
  });

  describe('operations at the limits pass, and reach the subgraphs', () => {
    it.each<{ what: string; query: string; reaches: string }>([
      { what: 'depth exactly 10', query: DEPTH_10, reaches: 'practices' },
      {
        what: 'exactly 20 root fields, each aliased (20 aliases)',
        query: `{ ${many(20, (i) => `p${i}: practice(odsCode: "${practice}") { name }`)} }`,
        reaches: 'practices',
      },
      {
        what: 'exactly 20 directives',
        query: `{ me { ${many(20, (i) => `f${i}: nhsNumber @include(if: true)`)} } }`,
        reaches: 'records',
      },
      {
        what: 'a cost of exactly 10,000 (1 + 101 × (2 + 97))',
        query: `{ practices(first: 101) { edges { node { ${'odsCode '.repeat(97)}} } } }`,
        reaches: 'practices',
      },
    ])('$what', async ({ query, reaches }) => {
      const { response, reached } = await sent(patient, query);
      expect(response.body.errors ?? []).toEqual([]);
      expect(response.status).toBe(200);
      expect(reached[reaches]).toBeGreaterThan(0);
    });

    it('a cost of 10,001 (1 + 100 × (2 + 98)) is refused', async () => {
      const { response, reached } = await sent(
        patient,
        `{ practices(first: 100) { edges { node { ${'odsCode '.repeat(98)}} } } }`,
      );
      expect(messages(response)).toEqual(['Query cost 10001 exceeds the limit of 10000']);
      expect(reached).toEqual({});
    });
  });

  describe('introspection: for analyst and nhse only (Apollo Sandbox)', () => {
    const FULL_INTROSPECTION = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
      schemaDescription: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
    });

    it.each([
      ['`__schema`', '{ __schema { queryType { name } } }'],
      ['`__type`', '{ __type(name: "Patient") { fields { name } } }'],
      ['hidden in a named fragment, aliased', 'query { ...Look } fragment Look on Query { s: __schema { types { name } } }'],
      ['beside `me`, in an inline fragment, aliased', '{ me { nhsNumber } ... on Query { t: __type(name: "Query") { name } } }'],
      ["graphql-js's full introspection query, as tools send it", FULL_INTROSPECTION],
    ])('%s is FORBIDDEN (403) to a patient', async (_what, query) => {
      const { response, reached } = await sent(patient, query);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        errors: [{ message: INTROSPECTION_REFUSAL, extensions: { code: 'FORBIDDEN', requestId: response.requestId } }],
      });
      expect(reached).toEqual({});
    });

    it('in another operation of the document than the one named, it is FORBIDDEN too', async () => {
      const { response, reached } = await reachedDuring(async () =>
        postGraphQL<Record<string, unknown>>(supergraph.url, await bearer(patient), {
          query: 'query Mine { me { nhsNumber } } query Theirs { __schema { types { name } } }',
          operationName: 'Mine',
        }),
      );
      expect(response.status).toBe(403);
      expect(messages(response)).toEqual([INTROSPECTION_REFUSAL]);
      expect(reached).toEqual({});
    });

    it.each<[string, TokenRequest]>([
      ['a clinician', Scenario.clinician(practice)],
      ['a supplier', Scenario.supplier('EMIS')],
      ['an app', Scenario.app('some-app', nhsNumber)],
    ])('%s is refused too', async (_who, who) => {
      const { response, reached } = await sent(who, '{ __schema { queryType { name } } }');
      expect(response.status).toBe(403);
      expect(codesOf(response)).toEqual(['FORBIDDEN']);
      expect(reached).toEqual({});
    });

    it.each([
      ['an analyst', Scenario.analyst],
      ['nhse', Scenario.nhse],
    ])('%s runs the full introspection query (as Sandbox does), answered by the gateway alone', async (_who, who) => {
      const { response, reached } = await sent(who, FULL_INTROSPECTION);
      expect(response.body.errors ?? []).toEqual([]);
      expect(response.status).toBe(200);
      const schema = (response.body.data as { __schema: { queryType: { name: string }; types: { name: string }[] } }).__schema;
      expect(schema.queryType.name).toBe('Query');
      expect(schema.types.map((type) => type.name)).toContain('Patient');
      // Not in the public API, so not in its introspection either.
      expect(JSON.stringify(schema)).not.toContain('practiceMembership');
      expect(reached).toEqual({});
    });

    it("an analyst's introspection is bounded too: circular lists (graphql-js's rule) and depth", async () => {
      const circular = await sent(
        Scenario.analyst,
        '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      );
      expect(circular.response.status).toBe(400);
      expect(messages(circular.response)).toEqual(['Maximum introspection depth exceeded']);
      expect(circular.reached).toEqual({});

      const ofTypes = `{ __type(name: "Query") { ${'ofType { '.repeat(19)}name ${'} '.repeat(19)}} }`;
      const deepest = await sent(Scenario.analyst, ofTypes);
      expect(deepest.response.status).toBe(400);
      expect(messages(deepest.response)).toEqual(['Introspection depth 21 exceeds the limit of 20']);
      expect(deepest.reached).toEqual({});
    });

    it("introspection beside data is held to the data's depth: `__schema` is counted, never skipped", async () => {
      const query = `{ rolloutSummary { total } __schema { types { fields { type { ${'ofType { '.repeat(6)}name ${'} '.repeat(6)}} } } } }`;
      const { response, reached } = await sent(Scenario.analyst, query);
      expect(response.status).toBe(400);
      expect(messages(response)).toEqual(['Query depth 11 exceeds the limit of 10']);
      expect(reached).toEqual({});
    });
  });

  describe('"Did you mean …?": for analyst and nhse only, and no role ever sees its input echoed', () => {
    it.each<[string, TokenRequest]>([
      ['a patient', patient],
      ['an app', Scenario.app('some-app', nhsNumber)],
      ['a clinician', Scenario.clinician(practice)],
      ['a supplier', Scenario.supplier('EMIS')],
    ])('%s who misspells a field is told which field, and nothing more', async (_who, who) => {
      const { response, reached } = await sent(who, '{ me { nhsNumbr } }');
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        expect.objectContaining({
          message: 'Cannot query field "nhsNumbr" on type "Patient".',
          extensions: { code: 'BAD_USER_INPUT', requestId: response.requestId },
        }),
      ]);
      expect(reached).toEqual({});
    });

    it.each([
      ['an analyst', Scenario.analyst],
      ['nhse', Scenario.nhse],
    ])('%s is told the field they meant', async (_who, who) => {
      const { response, reached } = await sent(who, '{ practices { totalCont } }');
      expect(response.status).toBe(400);
      expect(messages(response)).toEqual([
        'Cannot query field "totalCont" on type "PracticeConnection". Did you mean "totalCount"?',
      ]);
      expect(reached).toEqual({});
    });

    it("an analyst's misspelt enum variable gets the suggestion but not the value back", async () => {
      const query = 'query($g: RolloutGrouping!) { rolloutSummary(groupBy: $g) { total } }';
      const { response, reached } = await sent(Scenario.analyst, query, { g: 'NATIONL' });
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
      expect(messages(response)).toEqual([
        'Variable "$g" got an invalid value; The value is not one of the "RolloutGrouping" enum. Did you mean the enum value "NATIONAL"?',
      ]);
      expect(JSON.stringify(response.body)).not.toContain('NATIONL');
      expect(reached).toEqual({});
    });

    it("a patient's misspelt enum variable gets neither", async () => {
      const query = 'query($t: [RecordEntryType!]) { me { record(types: $t) { totalCount } } }';
      const { response, reached } = await sent(patient, query, { t: ['TEST_RESULTS'] });
      expect(messages(response)).toEqual([
        'Variable "$t" got an invalid value at "t[0]"; The value is not one of the "RecordEntryType" enum.',
      ]);
      expect(reached).toEqual({});
    });
  });

  describe('HTTP: batching, CSRF, GET mutations and large bodies', () => {
    const ME = '{ me { nhsNumber } }';

    it('a batch (a JSON array of operations) is refused with 400; without a token, 401', async () => {
      const body = JSON.stringify([{ query: ME }, { query: ME }]);
      const batch = await raw({ headers: { 'content-type': 'application/json', ...(await bearer(patient)) }, body });
      expect(batch.response.status).toBe(400);
      expect(batch.response.body).toEqual({
        errors: [
          {
            message: 'Operation batching disabled.',
            extensions: { code: 'BAD_USER_INPUT', requestId: batch.response.headers.get('x-request-id') },
          },
        ],
      });
      expect(batch.reached).toEqual({});

      const anonymous = await raw({ headers: { 'content-type': 'application/json' }, body });
      expect(anonymous.response.status).toBe(401);
      expect(anonymous.reached).toEqual({});
    });

    it.each<{ what: string; method: string; contentType?: string; body?: string }>([
      { what: 'a GET query without a preflight-forcing header', method: 'GET' },
      { what: 'a text/plain POST', method: 'POST', contentType: 'text/plain', body: JSON.stringify({ query: ME }) },
      { what: 'a multipart/form-data POST', method: 'POST', contentType: 'multipart/form-data; boundary=x', body: '--x--' },
      {
        what: 'an application/x-www-form-urlencoded POST',
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        body: `query=${encodeURIComponent(ME)}`,
      },
    ])('CSRF: $what is refused with 400, with a token or without', async ({ method, contentType, body }) => {
      for (const authorization of [await bearer(patient), {}]) {
        const { response, reached } = await raw({
          method,
          ...(method === 'GET' ? { search: `?query=${encodeURIComponent(ME)}` } : {}),
          headers: { ...authorization, ...(contentType ? { 'content-type': contentType } : {}) },
          ...(body === undefined ? {} : { body }),
        });
        expect(response.status).toBe(400);
        expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
        expect(messages(response)[0]).toMatch(
          /^This operation has been blocked as a potential Cross-Site Request Forgery \(CSRF\)/,
        );
        expect(reached).toEqual({});
      }
    });

    it('a GET query with the preflight-forcing header works (the refusals above are CSRF prevention)', async () => {
      const { response, reached } = await raw({
        method: 'GET',
        search: `?query=${encodeURIComponent(ME)}`,
        headers: { ...(await bearer(patient)), 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { me: { nhsNumber } } });
      expect(reached.records).toBeGreaterThan(0);
    });

    it('a GET mutation is refused: 405 with the preflight header, 400 (CSRF) without', async () => {
      const search = `?query=${encodeURIComponent(`mutation { pauseAccess(odsCode: "${practice}", reason: "A link was clicked") { accessStatus } }`)}`;
      const supplier = await bearer(Scenario.supplier('EMIS'));
      const preflighted = await raw({ method: 'GET', search, headers: { ...supplier, 'apollo-require-preflight': 'true' } });
      expect(preflighted.response.status).toBe(405);
      expect(preflighted.response.body).toEqual({
        errors: [
          {
            message: 'GET requests only support query operations, not mutation operations',
            extensions: { code: 'BAD_USER_INPUT', requestId: preflighted.response.headers.get('x-request-id') },
          },
        ],
      });
      expect(preflighted.reached).toEqual({});

      const plain = await raw({ method: 'GET', search, headers: supplier });
      expect(plain.response.status).toBe(400);
      expect(plain.reached).toEqual({});

      const state = await s.ok<{ practice: { accessStatus: string } }>(
        Scenario.analyst,
        `{ practice(odsCode: "${practice}") { accessStatus } }`,
      );
      expect(state.practice.accessStatus).toBe('ENABLED');
    });

    it('a body over 1 MB is refused with 413 with a token, 401 without (the token comes first), the connection closed', async () => {
      const body = JSON.stringify({ query: ME, variables: { padding: 'x'.repeat(1024 * 1024) } });
      for (const [authorization, status, error] of [
        [await bearer(patient), 413, { message: 'Request body larger than 1 MB', extensions: { code: 'BAD_USER_INPUT' } }],
        [{}, 401, { message: 'Sign in: a valid bearer token is required', extensions: { code: 'UNAUTHENTICATED' } }],
      ] as const) {
        const { response, reached } = await raw({ headers: { 'content-type': 'application/json', ...authorization }, body });
        expect(response.status).toBe(status);
        expect(response.body).toEqual({
          errors: [{ ...error, extensions: { ...error.extensions, requestId: response.headers.get('x-request-id') } }],
        });
        // The rest of the body is not read: a client cannot keep the gateway busy streaming it.
        expect(response.headers.get('connection')).toBe('close');
        expect(reached).toEqual({});
      }
    });
  });
});
