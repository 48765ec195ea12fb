import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * `npm run report` as a command against the real supergraph on the demo world: the figures
 * come through the gateway, as an analyst's would, and land in one self-contained HTML file.
 */
const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('npm run report, against the supergraph', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const dir = mkdtempSync(join(tmpdir(), 'rollout-report-command-'));

  beforeAll(async () => {
    // The command reads the machine's clock for "now", so the system stands at the real now too.
    supergraph = await startSupergraph({ now: new Date().toISOString(), demoData: true });
    s = new Scenario(supergraph);
  });
  afterAll(async () => {
    await supergraph.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function report(args: string[], env: Record<string, string> = {}) {
    const { ACCESS_TOKEN: _ignored, ...inherited } = process.env;
    return run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/report.ts', '--gateway', supergraph.url, ...args], {
      cwd: root,
      env: { ...inherited, DATA_DIR: join(dir, 'data'), ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );
  }

  it('writes the report for a past day under data/reports, with the figures the gateway gives', async () => {
    const token = await s.token(Scenario.analyst);
    const result = await report(['--asOf', '2023-06-30', '--token', token]);
    const out = join(dir, 'data', 'reports', 'rollout-2023-06-30.html');
    expect(result).toEqual({ code: 0, stdout: `${out}\n`, stderr: '' });
    const html = readFileSync(out, 'utf8');
    const { rolloutSummary } = await s.ok<{ rolloutSummary: { total: number; enabled: number }[] }>(
      Scenario.analyst,
      '{ rolloutSummary(asOf: "2023-07-01T00:00:00.000Z") { total enabled } }',
    );
    expect(html).toContain('NHS West Yorkshire Integrated Care Board');
    expect(html).toContain('TPP (SystmOne)');
    expect(html).toMatch(new RegExp(`>${rolloutSummary[0]!.total}<`));
    expect(html).toMatch(new RegExp(`>${rolloutSummary[0]!.enabled}<`));
    expect(html).toContain('<svg');
    expect(html).not.toContain(token);
  }, 60_000);

  it('with no token, on the locally started system, acts as a short-lived analyst minted with its development keys', async () => {
    const out = join(dir, 'minted.html');
    const result = await report(['--out', out], { DATA_DIR: supergraph.dataDir });
    expect(result).toMatchObject({ code: 0, stdout: `${out}\n` });
    expect(readFileSync(out, 'utf8')).toContain('NHS South Yorkshire Integrated Care Board');
  }, 60_000);

  it('takes the token from ACCESS_TOKEN; a token that may not read figures gets FORBIDDEN, exit 1 and no file', async () => {
    const out = join(dir, 'refused.html');
    const result = await report(['--out', out], { ACCESS_TOKEN: await s.token(Scenario.clinician('B84001')) });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'FORBIDDEN: Rollout figures are for analysts, NHS England and suppliers\n',
    });
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('with no token and no development keys, says how to get one', async () => {
    const result = await report([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No token: pass --token or set ACCESS_TOKEN');
  }, 60_000);

  it.each([
    [['--asOf', '1/6/2024'], '--asOf must be a day written YYYY-MM-DD'],
    [['--asOf', '2999-01-01'], '--asOf 2999-01-01 is in the future'],
    [['--as-of', '2024-06-01'], "Unknown option '--as-of'"],
  ])(
    'refuses %j: a clear message, the usage, exit code 1',
    async (args, message) => {
      const result = await report([...args, '--token', 'T']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Usage: npm run report --');
    },
    60_000,
  );
});
