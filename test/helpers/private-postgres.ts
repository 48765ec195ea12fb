import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);

/** PostgreSQL's server programs (initdb, pg_ctl): `pg_config --bindir`'s, or Debian's newest. */
function serverBinDir(): string | undefined {
  const candidates = [process.env.PG_BINDIR];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** PostgreSQL refuses to run as root: as root, the server programs run as the postgres user. */
const asServerUser = (): { user?: string } => (process.getuid?.() === 0 ? { user: 'postgres' } : {});

/**
 * A PostgreSQL server of the test's own: a fresh cluster in a temporary directory on a free
 * port, so a test can crash or restart the server under traffic without touching the shared
 * server the other test files use. Every program runs asynchronously, so the services in the
 * test's process keep serving (and failing) while the server is down.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Whether this machine has PostgreSQL's server programs (the shared server may be elsewhere). */
  static available(): boolean {
    return serverBinDir() !== undefined;
  }

  /** initdb (trust authentication, no fsync at init: a throwaway cluster) and start. */
  static async create(): Promise<PrivatePostgres> {
    const bin = serverBinDir();
    if (!bin) throw new Error('PostgreSQL server programs (initdb, pg_ctl) not found; set PG_BINDIR');
    const dir = mkdtempSync(join(tmpdir(), 'cas-pg-'));
    const { user } = asServerUser();
    if (user) {
      const { stdout } = await run('id', ['-u', user]);
      const { stdout: gid } = await run('id', ['-g', user]);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const server = new PrivatePostgres(bin, dir, await freePort());
    await server.program('initdb', ['-D', server.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await server.start();
    return server;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections (after crash recovery, if any). */
  async start(): Promise<void> {
    await this.program('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      '-w',
      'start',
    ]);
  }

  /**
   * Stops the server: `fast` ends every session and shuts down cleanly (a planned restart);
   * `immediate` kills it without a checkpoint, as a crash or power loss would, so the next start
   * replays the write-ahead log.
   */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.program('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private async program(name: string, args: string[]): Promise<void> {
    const { user } = asServerUser();
    const command = join(this.bin, name);
    await (user ? run('runuser', ['-u', user, '--', command, ...args]) : run(command, args));
  }
}
