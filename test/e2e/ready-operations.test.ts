import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Every role's ready operations (schema/operations/<role>/*.graphql, the documents the client
 * kit types) run, each with the example variables its header gives, against the demo world
 * through the gateway, as that role's frontend or Apollo Sandbox would send them; each is listed
 * in docs/api.md. App operations go by id, as trusted operations (their own test covers the
 * refusals). Roles run in
 * this order and files by name, so each mutation's example leaves the demo world fit for the next.
 */
const ROOT = join(__dirname, '..', '..');
const ROLES: { role: string; as: TokenRequest }[] = [
  { role: 'patient', as: Scenario.patient('9990001375') },
  // Sent by id, as the demo app's client sends its registered operations (the demo world registers them).
  { role: 'app', as: Scenario.app('demo-app', '9990001375') },
  { role: 'clinician', as: Scenario.clinician('B84010') },
  { role: 'supplier', as: Scenario.supplier('EMIS') },
  { role: 'nhse', as: Scenario.nhse },
  { role: 'analyst', as: Scenario.analyst },
];
const OPERATIONS = ROLES.flatMap(({ role, as }) =>
  readdirSync(join(ROOT, 'schema', 'operations', role))
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((file) => ({ role, file, as, path: `schema/operations/${role}/${file}` })),
);

const variablesOf = (text: string): Record<string, unknown> => {
  const line = /^# Variables: (.*)$/m.exec(text);
  if (!line) throw new Error('the operation has no "# Variables:" line');
  return JSON.parse(line[1]!) as Record<string, unknown>;
};

/** Every list and object in the answer is non-empty: the example shows something. */
function emptyPaths(value: unknown, path = 'data'): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => emptyPaths(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => emptyPaths(v, `${path}.${k}`));
  return [];
}
// Lists that are empty by nature in a good answer: a visible entry's reasons, a period still open.
const MAY_BE_EMPTY = /accessPeriods|rolloutHistory\[\d+\]\.reason|notVisibleBecause|\.skipped$|\.notifications$/;

describe('the ready operations of every role', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2026-11-24T12:00:00.000Z', demoData: true });
    s = new Scenario(supergraph);
  }, 60_000);
  afterAll(() => supergraph?.stop());

  /** Ids a header can only describe ("<an unfiled entry's id ...>"), looked up as a clinician would. */
  async function entryIdFor(description: string): Promise<string> {
    const data = await s.ok<{
      patient: {
        clinicalRecord: { edges: { node: { id: string; filedAt: string | null; type: string; visibleToPatient: boolean } }[] };
      };
    }>(
      Scenario.clinician('B84010'),
      `query($n: ID!) { patient(nhsNumber: $n) { clinicalRecord(first: 100) { edges { node { id type filedAt visibleToPatient } } } } }`,
      { n: '9990001375' },
    );
    const nodes = data.patient.clinicalRecord.edges.map((edge) => edge.node);
    const unfiled = /unfiled/.test(description);
    const found = nodes.find((node) =>
      unfiled ? node.filedAt === null && ['TEST_RESULT', 'CLINICAL_LETTER'].includes(node.type) : node.visibleToPatient,
    );
    if (!found) throw new Error(`no demo entry fits "${description}"`);
    return found.id;
  }

  /** A cursor a header can only describe ("<endCursor of the page before>"): the end of the patient's first two entries. */
  async function cursorFor(): Promise<string> {
    const data = await s.ok<{ me: { record: { pageInfo: { endCursor: string } } } }>(
      Scenario.patient('9990001375'),
      '{ me { record(first: 2) { pageInfo { endCursor } } } }',
    );
    return data.me.record.pageInfo.endCursor;
  }

  const fill = async (variables: Record<string, unknown>) =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(variables).map(async ([name, value]) =>
          typeof value === 'string' && value.startsWith('<')
            ? [name, /endCursor/.test(value) ? await cursorFor() : await entryIdFor(value)]
            : [name, value],
        ),
      ),
    ) as Record<string, unknown>;

  it('there are ready operations for every role', () => {
    for (const { role } of ROLES) expect(OPERATIONS.filter((op) => op.role === role).length).toBeGreaterThanOrEqual(3);
    expect(OPERATIONS.filter((op) => op.role === 'analyst').length).toBeGreaterThanOrEqual(8);
  });

  it.each(OPERATIONS)('$path runs against the demo data as $role and shows something', async ({ as, path }) => {
    const text = readFileSync(join(ROOT, path), 'utf8');
    expect(text).toMatch(/^# .+\?/); // it says what it answers
    const response = await s.as(as, text, await fill(variablesOf(text)));
    expect(response.body.errors ?? []).toEqual([]);
    expect(emptyPaths(response.body.data).filter((at) => !MAY_BE_EMPTY.test(at))).toEqual([]);
  });

  it.each(OPERATIONS)('$path is listed in docs/api.md', ({ path }) => {
    expect(readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8')).toContain(path);
  });
});
