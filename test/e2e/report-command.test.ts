import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { loadOrCreateDevKeys } from '../../gateway/dev-keys';
import { reportFixture } from '../helpers/rollout-report-fixture';

/**
 * `npm run report` as a command, against a stand-in gateway that answers the contract's fields
 * with fixture figures and records what it was asked. (Against the real supergraph: the lead's
 * end-to-end test, once the rollout subgraph serves these fields.)
 */
const run = promisify(execFile);
const root = join(__dirname, '..', '..');

interface Asked {
  authorization: string | undefined;
  body: { query: string; variables: Record<string, string> };
}

describe('npm run report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollout-report-command-'));
  const asked: Asked[] = [];
  let answer: unknown;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        asked.push({ authorization: request.headers.authorization, body: JSON.parse(text) as Asked['body'] });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    asked.length = 0;
    const { timeline, byIcb, bySupplier } = reportFixture();
    answer = { data: { timeline, byIcb, bySupplier } };
  });

  async function report(args: string[], env: Record<string, string> = {}) {
    const { ACCESS_TOKEN: _ignored, ...inherited } = process.env;
    return run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/report.ts', ...args], {
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

  it('fetches the figures in one request and writes the report under data/reports, named for the day', async () => {
    const result = await report(['--asOf', '2024-06-01', '--gateway', url, '--token', 'analyst-token']);
    const out = join(dir, 'data', 'reports', 'rollout-2024-06-01.html');
    expect(result).toEqual({ code: 0, stdout: `${out}\n`, stderr: '' });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.authorization).toBe('Bearer analyst-token');
    expect(asked[0]!.body.variables).toEqual({ from: '2023-06-04T00:00:00.000Z', asOf: '2024-06-02T00:00:00.000Z' });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('NHS Greater Manchester ICB');
    expect(html).toContain(`Source: the supergraph gateway at ${new URL(url).host}/graphql.`);
    expect(html).not.toContain('analyst-token');
  }, 30_000);

  it('takes the token from ACCESS_TOKEN and writes where --out says, making the folder', async () => {
    const out = join(dir, 'elsewhere', 'deep', 'report.html');
    const result = await report(['--gateway', url, '--out', out], { ACCESS_TOKEN: 'from-env' });
    expect(result).toMatchObject({ code: 0, stdout: `${out}\n` });
    expect(asked[0]!.authorization).toBe('Bearer from-env');
    expect(existsSync(out)).toBe(true);
  }, 30_000);

  it('with no token, on a system with development keys, acts as a short-lived analyst', async () => {
    const keysDir = join(dir, 'with-keys');
    await loadOrCreateDevKeys(join(keysDir, 'dev-jwt-keys.json'));
    const result = await report(['--gateway', url, '--out', join(dir, 'minted.html')], { DATA_DIR: keysDir });
    expect(result.code).toBe(0);
    const claims = decodeJwt(asked[0]!.authorization!.replace(/^Bearer /, ''));
    expect(claims.role).toBe('analyst');
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(15 * 60);
  }, 30_000);

  it('with no token and no development keys, says how to get one', async () => {
    const result = await report(['--gateway', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No token: pass --token or set ACCESS_TOKEN');
    expect(asked).toEqual([]);
  }, 30_000);

  it('on GraphQL errors exits 1 with their codes and messages, and writes nothing', async () => {
    answer = { data: null, errors: [{ message: 'asOf is in the future', extensions: { code: 'BAD_USER_INPUT' } }] };
    const out = join(dir, 'refused.html');
    const result = await report(['--gateway', url, '--token', 'T', '--out', out]);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'BAD_USER_INPUT: asOf is in the future\n' });
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it('refuses an answer that is not the figures it expects', async () => {
    answer = { data: { timeline: [], byIcb: [{ key: 'QOP', label: 'x', total: '<svg onload=alert(1)>' }], bySupplier: [] } };
    const result = await report(['--gateway', url, '--token', 'T', '--out', join(dir, 'odd.html')]);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not the rollout figures the report expects (at byIcb.0.total)'),
    });
  }, 30_000);

  it.each([
    [['--asOf', '1/6/2024'], '--asOf must be a day written YYYY-MM-DD'],
    [['--asOf', '2999-01-01'], '--asOf 2999-01-01 is in the future'],
    [['--as-of', '2024-06-01'], "Unknown option '--as-of'"],
  ])(
    'refuses %j: a clear message, the usage, exit code 1, nothing asked',
    async (args, message) => {
      const result = await report([...args, '--gateway', url, '--token', 'T']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Usage: npm run report --');
      expect(asked).toEqual([]);
    },
    30_000,
  );
});
