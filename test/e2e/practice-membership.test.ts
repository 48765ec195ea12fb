import { PracticeEntity, type PracticeRow } from '../../subgraphs/practices/entities/practice';
import { IntegratedCareBoardEntity } from '../../subgraphs/practices/entities/integrated-care-board';
import { INTEGRATED_CARE_BOARDS } from '../../subgraphs/practices/reference/integrated-care-boards';
import { PRACTICE_SUPPLIERS } from '../../subgraphs/runtime/suppliers';
import type { Viewer } from '../../platform/viewer';
import { codes, Scenario } from '../helpers/scenario';
import { signedPost } from '../helpers/signed-request';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * practiceMembership: the internal field the rollout subgraph calls directly (a signed
 * service request) for its figures. Hidden from the gateway's API (@inaccessible), refused
 * to every role but the service, one SQL statement however many practices.
 */
describe('practice membership, for the rollout subgraph only', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  const MEMBERSHIP = `query($supplier: GpSystemSupplier, $icbCode: ID) {
    practiceMembership(supplier: $supplier, icbCode: $icbCode) { odsCode supplier icbCode icbName openedOn closedOn }
  }`;
  const service: Viewer = { role: 'service', subject: 'rollout' };

  const direct = (viewer: Viewer, variables: Record<string, unknown> = {}) =>
    signedPost(supergraph.subgraphs.practices.url, {
      audience: 'practices',
      secret: supergraph.secret,
      viewer,
      body: { query: MEMBERSHIP, variables },
      timestamp: supergraph.clock.now().getTime(),
    });

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-01-15T12:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice('P20003', 'TPP', 'QA1');
    await s.createPractice('P20001', 'EMIS', 'QA1');
    await s.createPractice('P20002', 'EMIS', 'QA1');
    await s.createPractice('P20004', 'EMIS', 'QA2');
    // An imported practice: supplier UNKNOWN, closed, with its ODS dates.
    await supergraph.subgraphs.practices.database.dataSource.getRepository(PracticeEntity).insert({
      odsCode: 'P20005',
      name: 'CLOSED SURGERY',
      postcode: 'LS1 3EX',
      supplier: 'UNKNOWN',
      icbCode: 'QA1',
      status: 'CLOSED',
      openedOn: '1990-04-01',
      closedOn: '2023-03-31',
      updatedAt: new Date('2024-01-15T12:00:00.000Z'),
    });
  }, 60_000);

  afterAll(() => supergraph?.stop());

  it('a signed service request gets every practice of the ICB with its supplier, ICB name and dates, ordered by ODS code', async () => {
    const response = await direct(service, { icbCode: 'QA1' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        practiceMembership: [
          { odsCode: 'P20001', supplier: 'EMIS', icbCode: 'QA1', icbName: 'ICB QA1', openedOn: null, closedOn: null },
          { odsCode: 'P20002', supplier: 'EMIS', icbCode: 'QA1', icbName: 'ICB QA1', openedOn: null, closedOn: null },
          { odsCode: 'P20003', supplier: 'TPP', icbCode: 'QA1', icbName: 'ICB QA1', openedOn: null, closedOn: null },
          {
            odsCode: 'P20005',
            supplier: 'UNKNOWN',
            icbCode: 'QA1',
            icbName: 'ICB QA1',
            openedOn: '1990-04-01',
            closedOn: '2023-03-31',
          },
        ],
      },
    });
  });

  it('filters by supplier, and by supplier and ICB together', async () => {
    const emis = await direct(service, { supplier: 'EMIS' });
    const emisCodes = (emis.body.data!.practiceMembership as { odsCode: string }[]).map((row) => row.odsCode);
    expect(emisCodes).toEqual(['P20001', 'P20002', 'P20004']);
    const unknown = await direct(service, { supplier: 'UNKNOWN', icbCode: 'QA1' });
    expect((unknown.body.data!.practiceMembership as { odsCode: string }[]).map((row) => row.odsCode)).toEqual(['P20005']);
    const none = await direct(service, { supplier: 'TPP', icbCode: 'QA2' });
    expect(none.body).toEqual({ data: { practiceMembership: [] } });
  });

  it('a malformed ICB code is BAD_USER_INPUT', async () => {
    expect(codes(await direct(service, { icbCode: 'XWO' }))).toEqual(['BAD_USER_INPUT']);
  });

  it.each<[string, Viewer]>([
    ['nhse', { role: 'nhse', subject: 'nhse-test' }],
    ['an analyst', { role: 'analyst', subject: 'analyst-test' }],
    ['a supplier', { role: 'supplier', subject: 's', supplier: 'EMIS' }],
    ['a clinician', { role: 'clinician', subject: 'gp', odsCode: 'P20001' }],
    ['a patient', { role: 'patient', subject: 'p', nhsNumber: '9990001375', identityLevel: 'P9' }],
  ])('a signed request as %s is FORBIDDEN and gets no rows', async (_label, viewer) => {
    const response = await direct(viewer, { icbCode: 'QA1' });
    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.body.data ?? null).toBeNull();
  });

  it.each<[string, Viewer]>([
    ['nhse', { role: 'nhse', subject: 'nhse-test' }],
    ['an analyst', { role: 'analyst', subject: 'analyst-test' }],
    ['a clinician', { role: 'clinician', subject: 'gp', odsCode: 'P20001' }],
  ])('the directory version, asked as %s, is FORBIDDEN; the service gets it', async (_label, viewer) => {
    const ask = (as: Viewer) =>
      signedPost(supergraph.subgraphs.practices.url, {
        audience: 'practices',
        secret: supergraph.secret,
        viewer: as,
        body: { query: '{ practiceDirectoryVersion }' },
        timestamp: supergraph.clock.now().getTime(),
      });
    const refused = await ask(viewer);
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.body.data ?? null).toBeNull();
    expect((await ask(service)).body).toEqual({ data: { practiceDirectoryVersion: expect.stringMatching(/^[0-9a-f]{32}$/) } });
  });

  it('through the gateway the directory version does not exist either', async () => {
    const response = await s.as(Scenario.nhse, `{ practiceDirectoryVersion }`);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.message).toMatch(/Cannot query field "practiceDirectoryVersion" on type "Query"/);
  });

  it('through the gateway the field does not exist, for every role', async () => {
    for (const role of [Scenario.nhse, Scenario.analyst]) {
      const response = await s.as(role, `{ practiceMembership { odsCode } }`);
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(/Cannot query field "practiceMembership" on type "Query"/);
      expect(JSON.stringify(response.body)).not.toContain('P20001');
    }
  });

  it("the gateway's API schema hides the field and its type", async () => {
    const data = await s.ok<{ __schema: { queryType: { fields: { name: string }[] } }; __type: unknown }>(
      Scenario.nhse,
      `{ __schema { queryType { fields { name } } } __type(name: "PracticeMembership") { name } }`,
    );
    const fields = data.__schema.queryType.fields.map((field) => field.name);
    expect(fields).toContain('practices');
    expect(fields).not.toContain('practiceMembership');
    expect(data.__type).toBeNull();
  });

  it('answers for 6,500 practices in one SQL statement', async () => {
    const dataSource = supergraph.subgraphs.practices.database.dataSource;
    await dataSource.getRepository(IntegratedCareBoardEntity).upsert([...INTEGRATED_CARE_BOARDS], ['code']);
    const rows: PracticeRow[] = Array.from({ length: 6_500 }, (_, i) => ({
      odsCode: `M${String(80000 + i)}`,
      name: `BULK PRACTICE ${i}`,
      postcode: 'LS1 3EX',
      supplier: PRACTICE_SUPPLIERS[i % PRACTICE_SUPPLIERS.length]!,
      icbCode: INTEGRATED_CARE_BOARDS[i % INTEGRATED_CARE_BOARDS.length]!.code,
      status: 'ACTIVE',
      openedOn: '2000-01-01',
      closedOn: null,
      updatedAt: new Date('2024-01-15T12:00:00.000Z'),
    }));
    for (let k = 0; k < rows.length; k += 500) await dataSource.getRepository(PracticeEntity).insert(rows.slice(k, k + 500));

    await direct(service); // warm up: the first request builds the query plan and the HTTP connection
    const statements = supergraph.subgraphs.practices.database.statements;
    const before = statements.count;
    const response = await direct(service);
    expect(statements.count - before).toBe(1);

    const members = response.body.data!.practiceMembership as { odsCode: string }[];
    expect(members).toHaveLength(6_505);
    const listed = members.map((row) => row.odsCode);
    expect(listed).toEqual([...listed].sort());
    // Its time is the benchmark's to show (npm run bench: the analysts' figures include it), not a timed assertion's.
  }, 60_000);
});
