import { insertPatientsWithEntries, testNhsNumbers } from '../helpers/bulk-records';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Loaders really batch: a clinician's list of patients with their records costs the records
 * subgraph the same number of SQL statements whatever the number of patients or entries.
 */
describe('SQL statements per request', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
  }, 60_000);
  afterAll(() => supergraph?.stop());

  async function practiceWith(odsCode: string, patients: number, entriesEach: number, firstNumber: number) {
    await s.createPractice(odsCode, 'EMIS');
    await s.switchOn(odsCode, 'EMIS');
    await insertPatientsWithEntries(supergraph.subgraphs.records.database.dataSource, {
      odsCode,
      nhsNumbers: testNhsNumbers(patients, firstNumber),
      registeredAt: new Date('2020-01-01T00:00:00.000Z'),
      entriesEach,
      from: new Date('2023-01-02T00:00:00.000Z'),
      hiddenEvery: 5,
    });
  }

  async function statementsFor(odsCode: string): Promise<{ statements: number; patients: number }> {
    const counter = supergraph.subgraphs.records.database.statements;
    const before = counter.count;
    const data = await s.ok<{ patients: { edges: { node: { record: { edges: unknown[] } } }[] } }>(
      Scenario.clinician(odsCode),
      `{ patients(first: 50) { totalCount edges { node { nhsNumber onlineAccess { state }
          record(first: 5) { totalCount edges { node { title } } }
          clinicalRecord(first: 5) { totalCount edges { node { title visibleToPatient } } } } } } }`,
    );
    return { statements: counter.count - before, patients: data.patients.edges.length };
  }

  it('is the same for 10 patients with 3 entries each as for 50 patients with 20 each, and small', async () => {
    s.at('2023-01-01T09:00:00.000Z');
    await practiceWith('A82001', 10, 3, 100);
    await practiceWith('A82002', 50, 20, 1000);
    s.at('2023-02-01T09:00:00.000Z');
    const small = await statementsFor('A82001');
    const large = await statementsFor('A82002');
    expect(small.patients).toBe(10);
    expect(large.patients).toBe(50);
    expect(large.statements).toBe(small.statements);
    // patients page + count, then for the entity fetch: patients by key, exclusions, the
    // patient view's pages and counts, the clinical view's pages and counts, and the access-log
    // rows of each view (one INSERT for all the patients, or one per view when they land apart).
    expect(large.statements).toBeLessThanOrEqual(10);
  });
});
