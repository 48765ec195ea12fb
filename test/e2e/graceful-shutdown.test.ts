import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedHeaders } from '../../platform/request-signature';
import { encodeViewer } from '../../platform/viewer';
import { connectionRefused, EPHEMERAL_METRICS_PORTS, freePort } from '../helpers/ports';

const root = join(__dirname, '..', '..');
const secret = 'a-deployment-secret-of-at-least-32-characters';

/**
 * `npm run start:practices` as its own process, stopped with SIGTERM (as Docker and
 * Kubernetes stop it) while a request is half sent: that request still gets its whole answer,
 * and no new connection is accepted meanwhile. Every service shares this HTTP shell
 * (platform/http.ts, serveHttp and closeServer), the gateway included.
 */
describe('a service stopped with SIGTERM', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cas-sigterm-'));
  });
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refuses new connections meanwhile, and exits 0', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...EPHEMERAL_METRICS_PORTS,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SUBGRAPH_SIGNING_SECRET: secret,
      PRACTICES_PORT: String(port),
    };
    delete env.PRACTICES_DATABASE_URL;
    const service = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/practices/main.ts'], { cwd: root, env });
    child = service;
    let output = '';
    const said = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const look = () => output.includes(text) && resolve();
        service.stdout?.on('data', look);
        service.on('exit', (code) => reject(new Error(`exited with ${code} before "${text}": ${output}`)));
        look();
      });
    service.stdout?.on('data', (chunk) => (output += chunk));
    service.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      service.on('exit', (code) => resolve({ code, at: performance.now() })),
    );
    await said(' ready at ');

    // A signed analyst request, its body sent in two halves.
    const body = JSON.stringify({ query: '{ practices { totalCount } }' });
    const viewer = encodeViewer({ role: 'analyst', subject: 'analyst-test' });
    let inFlight: { end(chunk: string): void } | undefined;
    const answer = new Promise<{ status: number; text: string; at: number }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...signedHeaders(secret, { audience: 'practices', path: '/graphql', viewer, body, at: Date.now() }),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, at: performance.now() }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      inFlight = req;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the service has the request, waiting for the rest

    service.kill('SIGTERM');
    await said('SIGTERM received, stopping');
    let refusedNow = false;
    for (let tries = 0; tries < 50 && !refusedNow; tries += 1) {
      refusedNow = await connectionRefused(port);
      if (!refusedNow) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refusedNow).toBe(true);
    expect(service.exitCode).toBeNull(); // still finishing the request in flight

    inFlight!.end(body.slice(10));
    const { status, text, at } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { practices: { totalCount: 0 } } });
    const exit = await exited;
    expect(exit.code).toBe(0);
    // It waited for the answer to go out, but not for the client to let go of its kept-alive connection.
    expect(exit.at).toBeGreaterThanOrEqual(at);
    expect(exit.at - at).toBeLessThan(2000);
  }, 60_000);
});
