import type { TokenRequest } from '../../gateway/token-claims';
import { PracticeEntity } from '../../subgraphs/practices/entities/practice';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * The practices part of the public contract (docs/api.md), through the gateway over real
 * HTTP: practices and ICBs as reference data every signed-in role reads, Relay pagination,
 * upsertPractice for NHS England only, and a practice joined across subgraphs.
 */
describe('the practices contract, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  interface PracticeView {
    odsCode: string;
    name: string;
    postcode: string;
    supplier: string;
    icb: { code: string; name: string };
  }
  interface Page {
    edges: { cursor: string; node: { odsCode: string; supplier: string; icb: { code: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  }
  interface PracticeInput {
    odsCode: string;
    name: string;
    postcode: string;
    supplier: string;
    icbCode: string;
    icbName: string;
  }

  const PRACTICE = `odsCode name postcode supplier icb { code name }`;
  const PAGE = `edges { cursor node { odsCode supplier icb { code } } } pageInfo { hasNextPage endCursor } totalCount`;
  const UPSERT = `mutation($input: PracticeInput!) { upsertPractice(input: $input) { ${PRACTICE} } }`;
  const OTHER_ROLES: [string, TokenRequest][] = [
    ['an analyst', Scenario.analyst],
    ['a supplier', Scenario.supplier('EMIS')],
    ['a clinician', Scenario.clinician('A81001')],
    ['a patient', Scenario.patient('9990001375')],
  ];

  /** Practice and ICB codes no other test uses. */
  let nextPractice = 0;
  let nextIcb = 0;
  const newCode = () => `P${String(10000 + nextPractice++)}`;
  const newIcb = () => {
    const n = nextIcb++;
    return `Q${'ABCDEFGHJKLMNPRSTUVXYZ'[Math.floor(n / 10)]}${n % 10}`;
  };

  const input = (odsCode: string, icbCode: string, overrides: Partial<PracticeInput> = {}): PracticeInput => ({
    odsCode,
    name: `The ${odsCode} Surgery`,
    postcode: 'LS1 3EX',
    supplier: 'EMIS',
    icbCode,
    icbName: `NHS ${icbCode} Integrated Care Board`,
    ...overrides,
  });

  function upsert(role: TokenRequest, practice: PracticeInput) {
    return s.as<{ upsertPractice: PracticeView }>(role, UPSERT, { input: practice });
  }

  async function create(practice: PracticeInput): Promise<PracticeView> {
    const response = await upsert(Scenario.nhse, practice);
    expect(response.body.errors ?? []).toEqual([]);
    return response.body.data!.upsertPractice;
  }

  async function practice(odsCode: string, role: TokenRequest = Scenario.analyst): Promise<PracticeView | null> {
    const data = await s.ok<{ practice: PracticeView | null }>(role, `query($o: ID!) { practice(odsCode: $o) { ${PRACTICE} } }`, {
      o: odsCode,
    });
    return data.practice;
  }

  async function icb(code: string): Promise<{ code: string; name: string; practices: Page } | null> {
    const data = await s.ok<{ integratedCareBoard: { code: string; name: string; practices: Page } | null }>(
      Scenario.analyst,
      `query($c: ID!) { integratedCareBoard(code: $c) { code name practices(first: 200) { ${PAGE} } } }`,
      { c: code },
    );
    return data.integratedCareBoard;
  }

  function page(
    args: { first?: number; after?: string | null; icbCode?: string; supplier?: string },
    role: TokenRequest = Scenario.analyst,
  ) {
    return s.as<{ practices: Page }>(
      role,
      `query($first: Int, $after: String, $icbCode: ID, $supplier: GpSystemSupplier) {
        practices(first: $first, after: $after, icbCode: $icbCode, supplier: $supplier) { ${PAGE} } }`,
      args,
    );
  }

  async function walk(args: {
    first: number;
    icbCode?: string;
    supplier?: string;
  }): Promise<{ codes: string[]; totals: number[]; pages: number }> {
    const seen: string[] = [];
    const totals: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: GraphQLResponse<{ practices: Page }> = await page({ ...args, after });
      expect(response.body.errors ?? []).toEqual([]);
      const connection: Page = response.body.data!.practices;
      pages += 1;
      seen.push(...connection.edges.map((edge) => edge.node.odsCode));
      totals.push(connection.totalCount);
      expect(connection.edges.length).toBeLessThanOrEqual(args.first);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.edges).toHaveLength(args.first);
      after = connection.pageInfo.endCursor;
      if (pages > 1000) throw new Error('pagination does not end');
    }
    return { codes: seen, totals, pages };
  }

  const sorted = (values: string[]) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-01-15T12:00:00.000Z' });
    s = new Scenario(supergraph);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  describe('practice(odsCode)', () => {
    it('returns the name, postcode, supplier and ICB of a practice, to every signed-in role', async () => {
      const odsCode = newCode();
      const icbCode = newIcb();
      await create(
        input(odsCode, icbCode, {
          name: 'Leeds City Medical Practice',
          postcode: 'LS1 3EX',
          supplier: 'TPP',
          icbName: 'NHS West Yorkshire ICB',
        }),
      );
      const expected = {
        odsCode,
        name: 'Leeds City Medical Practice',
        postcode: 'LS1 3EX',
        supplier: 'TPP',
        icb: { code: icbCode, name: 'NHS West Yorkshire ICB' },
      };
      for (const role of [
        Scenario.nhse,
        Scenario.analyst,
        Scenario.supplier('EMIS'),
        Scenario.clinician('A81001'),
        Scenario.patient('9990001375'),
      ]) {
        expect({ role: role.role, practice: await practice(odsCode, role) }).toEqual({ role: role.role, practice: expected });
      }
    });

    it('is null, without an error, for a well-formed ODS code no practice has', async () => {
      const response = await s.as(Scenario.analyst, `{ practice(odsCode: "Y99999") { odsCode name } }`);
      expect(response.body).toEqual({ data: { practice: null } });
    });

    it.each(['A8100', 'a81001', 'A810011', '181001', 'AB1001', ' A81001', ''])(
      'is BAD_USER_INPUT for a malformed ODS code (%j)',
      async (odsCode) => {
        const response = await s.as(Scenario.analyst, `query($o: ID!) { practice(odsCode: $o) { odsCode } }`, { o: odsCode });
        expect(codes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.data?.practice ?? null).toBeNull();
      },
    );

    it('is UNAUTHENTICATED (HTTP 401) without a token', async () => {
      const odsCode = newCode();
      await create(input(odsCode, newIcb()));
      const response = await supergraph.graphql(null, `query($o: ID!) { practice(odsCode: $o) { name } }`, { o: odsCode });
      expect(response.status).toBe(401);
      expect(codes(response)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(response.body)).not.toContain(`The ${odsCode} Surgery`);
    });
  });

  describe('practices(first, after, icbCode, supplier)', () => {
    it('pages through the whole list in ODS-code order, with no repeats or gaps, and totalCount matches', async () => {
      // Created out of order, in several ICBs, so that neither insertion order nor ICB is the order.
      for (const [odsCode, icbCode] of [
        ['Y90005', 'QWO'],
        ['B90001', 'QF7'],
        ['M90003', 'QWO'],
        ['C90002', 'QE1'],
        ['Y90004', 'QF7'],
        ['B90000', 'QWE'],
        ['M90006', 'QE1'],
      ] as const) {
        await create(input(odsCode, icbCode));
      }
      const all = await page({ first: 200 });
      expect(all.body.errors ?? []).toEqual([]);
      const whole = all.body.data!.practices;
      const wholeCodes = whole.edges.map((edge) => edge.node.odsCode);
      expect(whole.pageInfo.hasNextPage).toBe(false);
      expect(whole.totalCount).toBe(wholeCodes.length);
      expect(wholeCodes).toEqual(sorted(wholeCodes));
      expect(wholeCodes).toEqual(expect.arrayContaining(['B90000', 'B90001', 'C90002', 'M90003', 'Y90004', 'Y90005', 'M90006']));

      for (const first of [1, 2, 3]) {
        const walked = await walk({ first });
        expect(walked.codes).toEqual(wholeCodes);
        expect(new Set(walked.codes).size).toBe(walked.codes.length);
        expect(walked.totals.every((total) => total === wholeCodes.length)).toBe(true);
        expect(walked.pages).toBe(Math.ceil(wholeCodes.length / first));
      }
    });

    it('gives the first 50 when first is not given, for the list and for an ICB', async () => {
      const icbCode = newIcb();
      for (let i = 0; i < 51; i++) await create(input(newCode(), icbCode));
      const data = await s.ok<{ practices: Page; integratedCareBoard: { practices: Page } }>(
        Scenario.analyst,
        `query($c: ID!) { practices(icbCode: $c) { ${PAGE} } integratedCareBoard(code: $c) { practices { ${PAGE} } } }`,
        { c: icbCode },
      );
      for (const connection of [data.practices, data.integratedCareBoard.practices]) {
        expect(connection.edges).toHaveLength(50);
        expect(connection.pageInfo.hasNextPage).toBe(true);
        expect(connection.totalCount).toBe(51);
      }
    }, 30_000);

    it('continues after a cursor that ends a page with exactly the remaining practices', async () => {
      const icbCode = newIcb();
      const made = [newCode(), newCode(), newCode(), newCode()];
      for (const odsCode of made) await create(input(odsCode, icbCode));
      const firstPage = (await page({ first: 2, icbCode })).body.data!.practices;
      expect(firstPage.edges.map((edge) => edge.node.odsCode)).toEqual(made.slice(0, 2));
      expect(firstPage.pageInfo.hasNextPage).toBe(true);
      const secondPage = (await page({ first: 2, icbCode, after: firstPage.pageInfo.endCursor })).body.data!.practices;
      expect(secondPage.edges.map((edge) => edge.node.odsCode)).toEqual(made.slice(2));
      expect(secondPage.pageInfo.hasNextPage).toBe(false);
      const afterTheEnd = (await page({ first: 2, icbCode, after: secondPage.pageInfo.endCursor })).body.data!.practices;
      expect(afterTheEnd).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 4 });
    });

    it('filters by ICB, by supplier, and by both; totalCount counts the filtered list', async () => {
      const here = newIcb();
      const there = newIcb();
      const emis1 = newCode();
      const tpp = newCode();
      const emis2 = newCode();
      const cegedim = newCode();
      const elsewhere = newCode();
      await create(input(emis1, here, { supplier: 'EMIS' }));
      await create(input(tpp, here, { supplier: 'TPP' }));
      await create(input(emis2, here, { supplier: 'EMIS' }));
      await create(input(cegedim, here, { supplier: 'CEGEDIM' }));
      await create(input(elsewhere, there, { supplier: 'EMIS' }));

      const byIcb = (await page({ first: 200, icbCode: here })).body.data!.practices;
      expect(byIcb.edges.map((edge) => edge.node.odsCode)).toEqual([emis1, tpp, emis2, cegedim]);
      expect(byIcb.totalCount).toBe(4);

      const both = (await page({ first: 200, icbCode: here, supplier: 'EMIS' })).body.data!.practices;
      expect(both.edges.map((edge) => edge.node.odsCode)).toEqual([emis1, emis2]);
      expect(both.totalCount).toBe(2);

      const walked = await walk({ first: 2, supplier: 'CEGEDIM' });
      expect(walked.codes).toContain(cegedim);
      expect(walked.codes).not.toContain(emis1);
      const cegedimPage = (await page({ first: 200, supplier: 'CEGEDIM' })).body.data!.practices;
      expect(cegedimPage.edges.every((edge) => edge.node.supplier === 'CEGEDIM')).toBe(true);
      expect(cegedimPage.edges.map((edge) => edge.node.odsCode)).toEqual(walked.codes);
      expect(cegedimPage.totalCount).toBe(walked.codes.length);

      const none = (await page({ first: 200, icbCode: there, supplier: 'TPP' })).body.data!.practices;
      expect(none).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    });

    it('a filter naming an ICB nobody has gives an empty page; a malformed ICB code is BAD_USER_INPUT', async () => {
      const empty = (await page({ first: 10, icbCode: 'QZ9' })).body;
      expect(empty).toEqual({
        data: { practices: { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 } },
      });
      for (const icbCode of ['XWO', 'qwo', 'QW', 'QWOO']) {
        expect({ icbCode, codes: codes(await page({ first: 10, icbCode })) }).toEqual({ icbCode, codes: ['BAD_USER_INPUT'] });
      }
    });

    it('an unknown supplier is refused at the gateway as BAD_USER_INPUT', async () => {
      expect(codes(await page({ first: 10, supplier: 'ACME' }))).toEqual(['BAD_USER_INPUT']);
    });

    it.each([0, -1, 201, 10_000])('first: %d is BAD_USER_INPUT', async (first) => {
      const response = await page({ first });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.data?.practices ?? null).toBeNull();
    });

    it('first: 200 is allowed', async () => {
      const response = await page({ first: 200 });
      expect(response.body.errors ?? []).toEqual([]);
    });

    it.each([
      ['a word', 'garbage'],
      ['an empty string', ''],
      ['base64 of a number', Buffer.from('[1]').toString('base64url')],
      ['base64 of an object', Buffer.from('{"odsCode":"A81001"}').toString('base64url')],
      ['base64 of two keys', Buffer.from('["A81001","B"]').toString('base64url')],
      ['base64 of not JSON', Buffer.from('A81001').toString('base64url')],
    ])('a garbage after cursor (%s) is BAD_USER_INPUT', async (_label, after) => {
      const response = await page({ first: 10, after });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.data?.practices ?? null).toBeNull();
    });
  });

  describe('integrated care boards', () => {
    it('integratedCareBoards lists every ICB once, ordered by code', async () => {
      const mine = [newIcb(), newIcb()];
      await create(input(newCode(), mine[1]!, { icbName: 'Second board' }));
      await create(input(newCode(), mine[0]!, { icbName: 'First board' }));
      const data = await s.ok<{ integratedCareBoards: { code: string; name: string }[] }>(
        Scenario.patient('9990001375'),
        `{ integratedCareBoards { code name } }`,
      );
      const listed = data.integratedCareBoards.map((board) => board.code);
      expect(listed).toEqual(sorted(listed));
      expect(new Set(listed).size).toBe(listed.length);
      expect(data.integratedCareBoards).toEqual(
        expect.arrayContaining([
          { code: mine[0], name: 'First board' },
          { code: mine[1], name: 'Second board' },
        ]),
      );
    });

    it('integratedCareBoard(code) gives its name and its practices, ordered by ODS code, filterable by supplier and paged', async () => {
      const code = newIcb();
      const [a, b, c] = [newCode(), newCode(), newCode()];
      await create(input(c, code, { supplier: 'TPP', icbName: 'NHS South Yorkshire ICB' }));
      await create(input(a, code, { supplier: 'EMIS', icbName: 'NHS South Yorkshire ICB' }));
      await create(input(b, code, { supplier: 'TPP', icbName: 'NHS South Yorkshire ICB' }));
      await create(input(newCode(), newIcb()));

      const board = await icb(code);
      expect(board).toMatchObject({ code, name: 'NHS South Yorkshire ICB' });
      expect(board!.practices.edges.map((edge) => edge.node.odsCode)).toEqual([a, b, c]);
      expect(board!.practices.totalCount).toBe(3);
      expect(board!.practices.edges.every((edge) => edge.node.icb.code === code)).toBe(true);

      const query = `query($c: ID!, $after: String) { integratedCareBoard(code: $c) { practices(first: 1, after: $after, supplier: TPP) { ${PAGE} } } }`;
      const first = await s.ok<{ integratedCareBoard: { practices: Page } }>(Scenario.analyst, query, { c: code, after: null });
      expect(first.integratedCareBoard.practices.edges.map((edge) => edge.node.odsCode)).toEqual([b]);
      expect(first.integratedCareBoard.practices).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
      const second = await s.ok<{ integratedCareBoard: { practices: Page } }>(Scenario.analyst, query, {
        c: code,
        after: first.integratedCareBoard.practices.pageInfo.endCursor,
      });
      expect(second.integratedCareBoard.practices.edges.map((edge) => edge.node.odsCode)).toEqual([c]);
      expect(second.integratedCareBoard.practices.pageInfo.hasNextPage).toBe(false);
    });

    it('integratedCareBoard is null for an unknown code and BAD_USER_INPUT for a malformed one', async () => {
      expect(await icb('QZ8')).toBeNull();
      for (const code of ['XWO', 'qwo', 'Q', '']) {
        const response = await s.as(Scenario.analyst, `query($c: ID!) { integratedCareBoard(code: $c) { name } }`, { c: code });
        expect({ code, codes: codes(response) }).toEqual({ code, codes: ['BAD_USER_INPUT'] });
      }
    });
  });

  describe('upsertPractice', () => {
    it('by nhse creates a practice, then updates it, renaming its ICB, without creating a second one', async () => {
      const odsCode = newCode();
      const icbCode = newIcb();
      const created = await create(input(odsCode, icbCode, { name: 'Old Name Surgery', icbName: 'Old ICB name' }));
      expect(created).toEqual({
        odsCode,
        name: 'Old Name Surgery',
        postcode: 'LS1 3EX',
        supplier: 'EMIS',
        icb: { code: icbCode, name: 'Old ICB name' },
      });
      expect(await practice(odsCode)).toEqual(created);

      const updated = await create(
        input(odsCode, icbCode, { name: 'New Name Surgery', postcode: 'S1 2BJ', supplier: 'TPP', icbName: 'New ICB name' }),
      );
      const expected = {
        odsCode,
        name: 'New Name Surgery',
        postcode: 'S1 2BJ',
        supplier: 'TPP',
        icb: { code: icbCode, name: 'New ICB name' },
      };
      expect(updated).toEqual(expected);
      expect(await practice(odsCode)).toEqual(expected);
      const board = await icb(icbCode);
      expect(board).toMatchObject({ name: 'New ICB name', practices: { totalCount: 1 } });
      expect(board!.practices.edges.map((edge) => edge.node.odsCode)).toEqual([odsCode]);
    });

    it('creates a practice ACTIVE with unknown dates, and leaves the status and dates of an existing one alone', async () => {
      const odsCode = newCode();
      const icbCode = newIcb();
      const LIFECYCLE = `query($o: ID!) { practice(odsCode: $o) { name status openedOn closedOn } }`;
      await create(input(odsCode, icbCode, { name: 'Fresh Surgery' }));
      expect(await s.ok(Scenario.analyst, LIFECYCLE, { o: odsCode })).toEqual({
        practice: { name: 'Fresh Surgery', status: 'ACTIVE', openedOn: null, closedOn: null },
      });

      // As the ODS import would leave it: closed, with its dates.
      await supergraph.subgraphs.practices.database.dataSource
        .getRepository(PracticeEntity)
        .update({ odsCode }, { status: 'CLOSED', openedOn: '1990-04-01', closedOn: '2023-03-31' });
      await create(input(odsCode, icbCode, { name: 'Renamed Surgery', supplier: 'TPP' }));
      expect(await s.ok(Scenario.analyst, LIFECYCLE, { o: odsCode })).toEqual({
        practice: { name: 'Renamed Surgery', status: 'CLOSED', openedOn: '1990-04-01', closedOn: '2023-03-31' },
      });
    });

    it('by nhse moves a practice to another ICB', async () => {
      const odsCode = newCode();
      const from = newIcb();
      const to = newIcb();
      await create(input(odsCode, from));
      await create(input(odsCode, to));
      expect((await practice(odsCode))!.icb.code).toBe(to);
      expect((await icb(to))!.practices.edges.map((edge) => edge.node.odsCode)).toEqual([odsCode]);
      expect((await icb(from))!.practices.totalCount).toBe(0);
    });

    it.each([
      ['ls13ex', 'LS1 3EX'],
      ['  sw1a1aa ', 'SW1A 1AA'],
      ['m1  1ae', 'M1 1AE'],
      ['LS1 3EX', 'LS1 3EX'],
    ])('normalises the postcode %j to %j', async (given, stored) => {
      const odsCode = newCode();
      const result = await create(input(odsCode, newIcb(), { postcode: given }));
      expect(result.postcode).toBe(stored);
      expect((await practice(odsCode))!.postcode).toBe(stored);
    });

    it('stores names without surrounding spaces', async () => {
      const odsCode = newCode();
      const result = await create(input(odsCode, newIcb(), { name: '  Spaced Surgery  ', icbName: '  Spaced ICB ' }));
      expect(result).toMatchObject({ name: 'Spaced Surgery', icb: { name: 'Spaced ICB' } });
    });

    it.each(OTHER_ROLES)('by %s is FORBIDDEN and changes nothing, neither creating nor updating', async (_label, role) => {
      const existing = newCode();
      const icbCode = newIcb();
      const original = await create(input(existing, icbCode, { name: 'Original Surgery', icbName: 'Original ICB' }));
      const fresh = newCode();

      const update = await upsert(
        role,
        input(existing, icbCode, { name: 'Hijacked', supplier: 'OTHER', icbName: 'Hijacked ICB' }),
      );
      expect(codes(update)).toEqual(['FORBIDDEN']);
      expect(update.body.data?.upsertPractice ?? null).toBeNull();
      const creation = await upsert(role, input(fresh, icbCode, { icbName: 'Hijacked ICB' }));
      expect(codes(creation)).toEqual(['FORBIDDEN']);

      expect(await practice(existing)).toEqual(original);
      expect(await practice(fresh)).toBeNull();
      expect((await icb(icbCode))!.name).toBe('Original ICB');
    });

    it('without a token is UNAUTHENTICATED and changes nothing', async () => {
      const fresh = newCode();
      const response = await supergraph.graphql(null, UPSERT, { input: input(fresh, newIcb()) });
      expect(response.status).toBe(401);
      expect(codes(response)).toEqual(['UNAUTHENTICATED']);
      expect(await practice(fresh)).toBeNull();
    });

    it.each([
      ['a malformed ODS code', { odsCode: 'A8100' }],
      ['a lower-case ODS code', { odsCode: 'p10000' }],
      ['a malformed ICB code', { icbCode: 'XWO' }],
      ['a lower-case ICB code', { icbCode: 'qwo' }],
      ['an ICB code too long', { icbCode: 'QWOO' }],
      ['a postcode that is not one', { postcode: 'NOT A POSTCODE' }],
      ['an empty postcode', { postcode: '' }],
      ['a postcode without its inward code', { postcode: 'LS1' }],
      ['a blank name', { name: '   ' }],
      ['an empty name', { name: '' }],
      ['a name over 200 characters', { name: 'x'.repeat(201) }],
      ['a blank ICB name', { icbName: ' ' }],
    ] as [string, Partial<PracticeInput>][])('with %s is BAD_USER_INPUT and changes nothing', async (_label, bad) => {
      const existing = newCode();
      const icbCode = newIcb();
      const original = await create(input(existing, icbCode, { name: 'Original Surgery', icbName: 'Original ICB' }));
      const fresh = newCode();
      const before = (await page({ first: 1 })).body.data!.practices.totalCount;

      // An update of an existing practice that also renames its ICB, and a creation.
      const update = await upsert(Scenario.nhse, {
        ...input(existing, icbCode, { name: 'Changed Surgery', icbName: 'Changed ICB' }),
        ...bad,
      });
      expect(codes(update)).toEqual(['BAD_USER_INPUT']);
      expect(update.body.data?.upsertPractice ?? null).toBeNull();
      const creation = await upsert(Scenario.nhse, { ...input(fresh, icbCode, { icbName: 'Changed ICB' }), ...bad });
      expect(codes(creation)).toEqual(['BAD_USER_INPUT']);

      expect(await practice(existing)).toEqual(original);
      expect(await practice(fresh)).toBeNull();
      expect((await icb(icbCode))!.name).toBe('Original ICB');
      expect((await page({ first: 1 })).body.data!.practices.totalCount).toBe(before);
    });
  });

  describe('a practice across subgraphs', () => {
    it('answers fields of the practices and rollout subgraphs in one query (federation join)', async () => {
      const odsCode = newCode();
      await create(input(odsCode, newIcb(), { name: 'Joined Surgery', supplier: 'TPP' }));
      const query = `query($o: ID!) { practice(odsCode: $o) { name supplier accessStatus accessPeriods { from to } } }`;
      expect(await s.ok(Scenario.analyst, query, { o: odsCode })).toEqual({
        practice: { name: 'Joined Surgery', supplier: 'TPP', accessStatus: 'NOT_SCHEDULED', accessPeriods: [] },
      });
      s.at('2024-01-15T12:00:00.000Z');
      await s.switchOn(odsCode, 'TPP');
      expect(await s.ok(Scenario.analyst, query, { o: odsCode })).toEqual({
        practice: {
          name: 'Joined Surgery',
          supplier: 'TPP',
          accessStatus: 'ENABLED',
          accessPeriods: [{ from: '2024-01-15T12:00:00.000Z', to: null }],
        },
      });
    });

    it('joins rollout fields onto every practice of a page and of an ICB', async () => {
      const icbCode = newIcb();
      const [on, off] = [newCode(), newCode()];
      await create(input(on, icbCode, { supplier: 'EMIS' }));
      await create(input(off, icbCode, { supplier: 'TPP' }));
      s.at('2024-01-15T12:00:00.000Z');
      await s.switchOn(on, 'EMIS');
      const data = await s.ok<{
        practices: { edges: { node: { odsCode: string; accessStatus: string } }[] };
        integratedCareBoard: {
          practices: { edges: { node: { odsCode: string; accessStatus: string; switchOnAt: string | null } }[] };
        };
      }>(
        Scenario.nhse,
        `query($c: ID!) {
          practices(first: 200, icbCode: $c) { edges { node { odsCode accessStatus } } }
          integratedCareBoard(code: $c) { practices { edges { node { odsCode accessStatus switchOnAt } } } }
        }`,
        { c: icbCode },
      );
      expect(data.practices.edges.map((edge) => edge.node)).toEqual([
        { odsCode: on, accessStatus: 'ENABLED' },
        { odsCode: off, accessStatus: 'NOT_SCHEDULED' },
      ]);
      expect(data.integratedCareBoard.practices.edges.map((edge) => edge.node)).toEqual([
        { odsCode: on, accessStatus: 'ENABLED', switchOnAt: '2024-01-15T12:00:00.000Z' },
        { odsCode: off, accessStatus: 'NOT_SCHEDULED', switchOnAt: null },
      ]);
    });
  });
});
