import type { Viewer } from '../../platform/viewer';
import { signedPost } from '../helpers/signed-request';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * No stored text may hold NUL (docs/security.md "NUL in input"). GraphQL has three ways to
 * write it in a literal, `\u0000`, `\u{0}` and `\u{00000}`, and a variable carries it as a
 * JSON `\u0000`: each is refused with BAD_USER_INPUT naming where, never the value, and
 * nothing is stored (read back to prove it). Through the gateway, and straight at a
 * subgraph with a valid signature, since a subgraph does not trust the gateway alone.
 */
describe('NUL in any string input is refused, whatever its form', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const ODS = 'A83001';
  const NHS = '9990001375';
  let entryId: string;
  // GraphQL's escapes, as they appear in the query text; the value around them is never echoed.
  const ESCAPES = ['\\u0000', '\\u{0}', '\\u{00000}'];
  const text = (escape: string) => `zebra${escape}quail`;
  const clinician = Scenario.clinician(ODS);

  const CLINICAL = `query($n: ID!) { patient(nhsNumber: $n) {
    excludedByClinician exclusionHistory { reason }
    clinicalRecord(first: 100) { totalCount edges { node { title body hiddenFromPatient redactionReason } } } } }`;
  interface Clinical {
    patient: {
      excludedByClinician: boolean;
      exclusionHistory: { reason: string | null }[];
      clinicalRecord: { totalCount: number; edges: { node: { title: string; hiddenFromPatient: boolean } }[] };
    };
  }
  const clinical = () => s.ok<Clinical>(clinician, CLINICAL, { n: NHS });
  const practice = () =>
    s.ok<{ practice: { name: string; accessStatus: string } | null }>(
      Scenario.nhse,
      `query($o: ID!) { practice(odsCode: $o) { name accessStatus } }`,
      { o: ODS },
    );
  const apps = async () =>
    (await s.ok<{ apps: { clientId: string }[] }>(Scenario.nhse, '{ apps { clientId } }')).apps.map((app) => app.clientId);

  /** Everything the refused writes below could have changed. */
  const stored = async () => ({ clinical: await clinical(), practice: await practice(), apps: await apps() });
  let before: Awaited<ReturnType<typeof stored>>;

  /** `textFilter`: the gateway's filter on the request text may answer first, without the path (only `\u0000` is in the text). */
  const expectRefused = (response: GraphQLResponse<unknown>, field: string, textFilter = false) => {
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    const { message, extensions } = response.body.errors![0]!;
    if (textFilter && message === 'Text may not contain the NUL character (U+0000)') return;
    expect(message).toBe(`Text may not contain the NUL character (U+0000): ${field}`);
    expect((extensions as { field?: string } | undefined)?.field).toBe(field);
    expect(JSON.stringify(response.body)).not.toMatch(/zebra|quail/);
    expect(response.body.data ?? null).toBeNull();
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW });
    s = new Scenario(supergraph);
    s.at('2023-01-01T09:00:00.000Z');
    await s.createPractice(ODS);
    await s.switchOn(ODS);
    await s.registerPatient(ODS, NHS);
    s.at('2023-01-01T10:00:00.000Z');
    entryId = await s.addEntry(ODS, NHS, 'Blood pressure review');
    s.at(NOW);
    before = await stored();
  });
  afterAll(() => supergraph.stop());
  afterEach(async () => {
    expect(await stored()).toEqual(before);
  });

  describe.each(ESCAPES)('a literal with %s, through the gateway', (escape) => {
    it.each([
      [
        'an entry title',
        clinician,
        `mutation { addRecordEntry(input: { nhsNumber: "${NHS}", type: CONSULTATION_NOTE, title: "${text(escape)}", body: "b" }) { id } }`,
        'addRecordEntry.input.title',
      ],
      [
        'an entry body',
        clinician,
        `mutation { addRecordEntry(input: { nhsNumber: "${NHS}", type: CONSULTATION_NOTE, title: "t", body: "${text(escape)}" }) { id } }`,
        'addRecordEntry.input.body',
      ],
      [
        'a hidden-from-patient reason on a new entry',
        clinician,
        `mutation { addRecordEntry(input: { nhsNumber: "${NHS}", type: CONSULTATION_NOTE, title: "t", body: "b",
          hiddenFromPatient: true, hiddenReason: "${text(escape)}" }) { id } }`,
        'addRecordEntry.input.hiddenReason',
      ],
      [
        'a redaction reason',
        clinician,
        `mutation { hideRecordEntry(id: "ENTRY", reason: "${text(escape)}") { id } }`,
        'hideRecordEntry.reason',
      ],
      [
        'an exclusion reason',
        clinician,
        `mutation { setOnlineAccessExclusion(nhsNumber: "${NHS}", excluded: true, reason: "${text(escape)}") { nhsNumber } }`,
        'setOnlineAccessExclusion.reason',
      ],
      [
        'a pause reason (rollout)',
        Scenario.supplier('EMIS'),
        `mutation { pauseAccess(odsCode: "${ODS}", reason: "${text(escape)}") { accessStatus } }`,
        'pauseAccess.reason',
      ],
      [
        'a practice name (practices, nested input)',
        Scenario.nhse,
        `mutation { upsertPractice(input: { odsCode: "${ODS}", name: "${text(escape)}", postcode: "LS1 3EX", supplier: EMIS,
          icbCode: "QWO", icbName: "ICB QWO" }) { odsCode } }`,
        'upsertPractice.input.name',
      ],
      [
        'an item of a list (app scopes)',
        Scenario.nhse,
        `mutation { approveApp(clientId: "nul-app", name: "App", scopes: ["record:read", "${text(escape)}"]) { clientId } }`,
        'approveApp.scopes[1]',
      ],
      [
        "a variable's default",
        clinician,
        `mutation($t: String! = "${text(escape)}") { addRecordEntry(input: { nhsNumber: "${NHS}", type: CONSULTATION_NOTE,
          title: $t, body: "b" }) { id } }`,
        '$t',
      ],
    ])('in %s', async (_name, role, query, field) => {
      const { response, reached } = await supergraph.reachedDuring(() => s.as(role, query.replace('ENTRY', entryId)));
      expectRefused(response, field, escape === '\\u0000');
      expect(reached).toEqual({}); // the gateway refused it: no subgraph was asked
    });
  });

  it.each([
    [
      'an entry title',
      { input: { nhsNumber: NHS, type: 'CONSULTATION_NOTE', title: 'zebra\u0000quail', body: 'b' } },
      '$input.title',
    ],
    [
      'an entry body',
      { input: { nhsNumber: NHS, type: 'CONSULTATION_NOTE', title: 't', body: 'zebra\u0000quail' } },
      '$input.body',
    ],
  ])('a variable holding NUL in %s, through the gateway', async (_name, variables, field) => {
    const query = 'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }';
    expectRefused(await s.as(clinician, query, variables), field, true);
  });

  describe('straight at a subgraph, signed as the gateway would: the subgraph checks for itself', () => {
    const clinicianViewer: Viewer = { role: 'clinician', subject: 'clinician-test', odsCode: ODS };
    const supplierViewer: Viewer = { role: 'supplier', subject: 'supplier-test', supplier: 'EMIS' };
    const direct = (subgraph: 'records' | 'rollout', viewer: Viewer, query: string, variables: Record<string, unknown>) =>
      signedPost(supergraph.subgraphs[subgraph].url, {
        secret: supergraph.secret,
        audience: subgraph,
        viewer,
        body: { query, variables },
        timestamp: supergraph.clock.now().getTime(),
      });

    it.each([
      [
        'a nested input field',
        { input: { nhsNumber: NHS, type: 'CONSULTATION_NOTE', title: 'zebra\u0000quail', body: 'b' } },
        '$input.title',
      ],
      [
        'the last of several fields',
        {
          input: {
            nhsNumber: NHS,
            type: 'CONSULTATION_NOTE',
            title: 't',
            body: 'b',
            hiddenFromPatient: true,
            hiddenReason: 'zebra\u0000quail',
          },
        },
        '$input.hiddenReason',
      ],
    ])('records: a variable with NUL in %s', async (_name, variables, field) => {
      const query = 'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }';
      expectRefused(await direct('records', clinicianViewer, query, variables), field);
    });

    it.each(ESCAPES)('records: a literal with %s in an entry title', async (escape) => {
      const query = `mutation { addRecordEntry(input: { nhsNumber: "${NHS}", type: CONSULTATION_NOTE, title: "${text(escape)}", body: "b" }) { id } }`;
      expectRefused(await direct('records', clinicianViewer, query, {}), 'addRecordEntry.input.title');
    });

    it('records: a variable with NUL in a redaction reason', async () => {
      const query = 'mutation($id: ID!, $r: String!) { hideRecordEntry(id: $id, reason: $r) { id } }';
      expectRefused(await direct('records', clinicianViewer, query, { id: entryId, r: 'zebra\u0000quail' }), '$r');
    });

    it('rollout: a variable with NUL in a pause reason', async () => {
      const query = 'mutation($o: ID!, $r: String!) { pauseAccess(odsCode: $o, reason: $r) { accessStatus } }';
      expectRefused(await direct('rollout', supplierViewer, query, { o: ODS, r: 'zebra\u0000quail' }), '$r');
    });
  });

  it('text without NUL is still stored (the check refuses only what it should)', async () => {
    const id = await s.addEntry(ODS, NHS, 'Unicode \u00e9 and \u{1F600} are fine');
    const { patient } = await clinical();
    expect(patient.clinicalRecord.edges.map((edge) => edge.node.title)).toContain('Unicode \u00e9 and \u{1F600} are fine');
    // Keep the read-back after each test comparing against what is now stored.
    before = await stored();
    expect(id).toBeTruthy();
  });
});
