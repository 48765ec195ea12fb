import { randomUUID } from 'node:crypto';
import { RecordEntryEntity } from '../../subgraphs/records/entities/record-entry';
import { PatientEntity } from '../../subgraphs/records/entities/patient';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/** Valid test NHS numbers (Modulus 11) in the 999 range, as many as asked. */
function testNhsNumbers(count: number, start: number): string[] {
  const numbers: string[] = [];
  for (let n = start; numbers.length < count; n += 1) {
    const nine = String(999_000_000 + n);
    const sum = [...nine].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) numbers.push(`${nine}${check}`);
  }
  return numbers;
}

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
    const db = supergraph.subgraphs.records.database.dataSource;
    const nhsNumbers = testNhsNumbers(patients, firstNumber);
    await db.getRepository(PatientEntity).insert(
      nhsNumbers.map((nhsNumber) => ({
        nhsNumber,
        odsCode,
        dateOfBirth: '1970-01-01',
        registeredAt: new Date('2020-01-01T00:00:00.000Z'),
      })),
    );
    const entries = nhsNumbers.flatMap((nhsNumber) =>
      Array.from({ length: entriesEach }, (_, i) => {
        const at = new Date(Date.UTC(2023, 0, 2, 0, i));
        return {
          id: randomUUID(),
          nhsNumber,
          type: 'APPOINTMENT' as const,
          title: `entry ${i}`,
          body: 'b',
          recordedAt: at,
          filedAt: null,
          availableAt: at,
          hiddenFromPatient: i % 5 === 4,
          hiddenReason: i % 5 === 4 ? 'r' : null,
          recordedBy: 'test',
        };
      }),
    );
    for (let i = 0; i < entries.length; i += 200) await db.getRepository(RecordEntryEntity).insert(entries.slice(i, i + 200));
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
    // patient view's pages and counts, the clinical view's pages and counts.
    expect(large.statements).toBeLessThanOrEqual(9);
  });
});
