import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The analysts' ready operations (schema/operations/analyst/*.graphql) run, each with the
 * example variables its header gives, against the demo world through the gateway, as an
 * analyst would run them in Apollo Sandbox; and each is listed in docs/api.md.
 */
const DIR = join(__dirname, '..', '..', 'schema', 'operations', 'analyst');
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.graphql'));

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

describe('the analysts\u2019 ready operations', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2026-11-24T12:00:00.000Z', demoData: true });
    s = new Scenario(supergraph);
  });
  afterAll(() => supergraph.stop());

  it('there are ready operations', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(FILES)('%s runs against the demo data as an analyst and shows something', async (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    expect(text).toMatch(/^# .+\?/); // it says what it answers
    const response = await s.as(Scenario.analyst, text, variablesOf(text));
    expect(response.body.errors ?? []).toEqual([]);
    // Lists that are empty only in a filtered page are fine; the rest must show data.
    expect(emptyPaths(response.body.data).filter((path) => !/accessPeriods|rolloutHistory\[\d+\]\.reason/.test(path))).toEqual(
      [],
    );
  });

  it.each(FILES)('%s is listed in docs/api.md', (file) => {
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8')).toContain(`schema/operations/analyst/${file}`);
  });
});
