import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { copiedPaths, ignoredByDocker, ROOT } from '../helpers/image-files';
import { freePort } from '../helpers/ports';
import { spawnService } from '../helpers/service-process';

/**
 * The image's files staged in a directory of their own, as the Dockerfile lays them out: the
 * paths it copies (less what .dockerignore leaves out), and node_modules holding the production
 * packages only (those package-lock.json does not mark dev: what `npm ci --omit=dev` installs,
 * linked from this checkout's install rather than installed again). Each operator tool then runs
 * there through its npm script, as `docker compose run --rm gateway npm run …` runs it, with
 * NODE_ENV=production as the image sets: a file or package the image lacks fails the command.
 */
const run = promisify(execFile);
const SECRET = 'an-image-test-secret-of-at-least-32-characters';

/** Lays the image's files out under `stage`. */
function stageImage(stage: string): void {
  for (const source of copiedPaths()) {
    cpSync(join(ROOT, source), join(stage, source), {
      recursive: true,
      filter: (path) => !ignoredByDocker(relative(ROOT, path)),
    });
  }
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; bin?: Record<string, string> }>;
  };
  for (const [key, meta] of Object.entries(lock.packages)) {
    const name = key.replace(/^node_modules\//, '');
    // Top-level packages only: nested ones come inside their parent's directory.
    if (!key.startsWith('node_modules/') || name.includes('/node_modules/') || meta.dev || meta.devOptional) continue;
    const installed = join(ROOT, 'node_modules', name);
    if (!existsSync(installed)) continue; // an optional package for another platform
    mkdirSync(dirname(join(stage, 'node_modules', name)), { recursive: true });
    symlinkSync(installed, join(stage, 'node_modules', name), 'dir');
    for (const [bin, target] of Object.entries(meta.bin ?? {})) {
      mkdirSync(join(stage, 'node_modules', '.bin'), { recursive: true });
      symlinkSync(join(installed, target), join(stage, 'node_modules', '.bin', bin));
    }
  }
  mkdirSync(join(stage, 'data'));
}

describe('the command-line tools run from the image', () => {
  const stage = mkdtempSync(join(tmpdir(), 'cas-image-'));
  const dataDir = join(stage, 'data');
  /** This process's environment without database, data or mode variables; the image's own instead. */
  const environment = (env: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/DATABASE_URL$|^DATA_DIR$|^NODE_ENV$|^npm_/.test(key))),
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    ...env,
  });
  /** `npm run --silent <script> -- args` in the staged image. */
  const npmRun = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
    run('npm', ['run', '--silent', script, '--', ...args], { cwd: stage, env: environment(env) }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  beforeAll(() => stageImage(stage));
  afterAll(() => rmSync(stage, { recursive: true, force: true }));

  it('the stage holds no test, bench or development script, and no devDependency', () => {
    for (const path of ['test', 'bench', 'scripts/compose.ts', 'scripts/start-all.ts', 'node_modules/jest']) {
      expect({ path, present: existsSync(join(stage, path)) }).toEqual({ path, present: false });
    }
    expect(existsSync(join(stage, 'node_modules', 'tsx'))).toBe(true);
  });

  it('npm run migrate migrates every subgraph (SQLite under DATA_DIR)', async () => {
    const migrated = await npmRun('migrate');
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(
      /^practices: ran \d+ migration\(s\).*\nrollout: ran \d+ migration\(s\).*\nrecords: ran \d+ migration\(s\)/,
    );
  }, 120_000);

  it('a subgraph starts from the image in production, once migrated', async () => {
    const port = await freePort();
    const records = await spawnService({
      name: 'records',
      // As docker-compose.yml runs it: what `npm run start:records` runs, without npm.
      entry: { command: 'node', args: ['--import', 'tsx', 'subgraphs/records/main.ts'] },
      cwd: stage,
      env: environment({ HOST: '127.0.0.1', RECORDS_PORT: String(port), SUBGRAPH_SIGNING_SECRET: SECRET }),
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    await records.stop();
  }, 120_000);

  it('npm run import:practices imports the ODS file', async () => {
    const imported = await npmRun('import:practices', [join(ROOT, 'samples', 'epraccur.csv')]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/added: +[1-9]\d*\n/);
  }, 120_000);

  it('npm run backup backs up every database, and npm run restore refuses to overwrite one', async () => {
    const backup = await npmRun('backup', ['--out', join(dataDir, 'backups')]);
    expect(backup.code).toBe(0);
    const files = backup.stdout.trim().split('\n');
    expect(files).toHaveLength(3);
    const restore = await npmRun('restore', ['practices', files[0]!]);
    expect(restore.code).toBe(3);
    expect(restore.stderr).toMatch(/^Refused: practices: the database already holds/);
  }, 120_000);

  it('npm run report and import:schedule run, and ask for a real token in production', async () => {
    expect((await npmRun('report', ['--help'])).code).toBe(0);
    expect((await npmRun('import:schedule', ['--help'])).code).toBe(0);
    // No development token is minted in production, even with development keys lying in DATA_DIR.
    expect((await npmRun('token', ['--role', 'analyst'], { NODE_ENV: 'development' })).code).toBe(0);
    const report = await npmRun('report', ['--asOf', '2024-01-15']);
    expect(report).toMatchObject({ code: 1, stdout: '' });
    expect(report.stderr).toMatch(/^No token: pass --token or set ACCESS_TOKEN/);
  }, 120_000);

  it('npm run token refuses in production, saying why, and makes a development token otherwise', async () => {
    const refused = await npmRun('token', ['--role', 'nhse']);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/makes development tokens[\s\S]*trusts only NHS login, CIS2 and the staff issuer/);
    const token = await npmRun('token', ['--role', 'nhse'], { NODE_ENV: 'development' });
    expect(token.code).toBe(0);
    expect(token.stdout.trim().split('.')).toHaveLength(3);
  }, 120_000);
});
