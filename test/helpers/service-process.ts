import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EPHEMERAL_METRICS_PORTS } from './ports';

/**
 * One service of a benchmark as its own process: started, waited for until ready, measured
 * (peak memory, its children included) and stopped the way an orchestrator stops it (SIGTERM,
 * then SIGKILL after a grace period). Our services and any other gateway alike.
 */
export interface ServiceProcess {
  name: string;
  pid: number;
  /** The URL the service said it listens on (its `… ready at URL` line), else `readyUrl`. */
  url: string;
  /** Peak resident memory (VmHWM) of the process and every process under it (a cluster's workers), in bytes. */
  peakRssBytes(): number;
  /** CPU time (user + system) used so far by the process and every process under it, in milliseconds. */
  cpuMs(): number;
  /** Resident memory (VmRSS) now of the process and every process under it, in bytes. */
  rssBytes(): number;
  /**
   * Time the main thread (the event loop) of the process and of every process under it spent
   * ready to run but waiting for a CPU, in milliseconds so far: what a busy machine adds to latency.
   */
  cpuWaitMs(): number;
  /** Milliseconds from spawning the process to its being ready. */
  readyMs: number;
  /** What the process printed so far (the last 64 KB), for a failure report. */
  output(): string;
  /** Its exit code once it has exited (null: ended by a signal); undefined while it runs. */
  exitCode(): number | null | undefined;
  /** SIGTERM, wait for the exit; SIGKILL (the whole process tree) after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** A TypeScript file run with `node --import tsx` (after `nodeArgs`), or a command and its arguments. */
  entry: string | { command: string; args: string[] };
  /** Node's own options for a .ts entry, e.g. `['--cpu-prof', '--cpu-prof-dir', dir]`. */
  nodeArgs?: string[];
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ready when GET readyUrl answers 200 (polled), ... */
  readyUrl?: string;
  /** ... or when a line of stdout/stderr matches this (default `/ ready at (\S+)/`, as our services print). The first group, if any, is the URL. */
  readyLine?: RegExp;
  /** How long to wait for readiness (default 60 s). */
  startTimeoutMs?: number;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Node's own flags in `npm run start:<service>` of the tree at `root` (package.json, whose
 * commands the image, docker-compose.yml and the Kubernetes manifests run as they are), so a
 * bench runs each service as production does: `--single-threaded-gc` (decision 0094), say.
 */
export function serviceNodeFlags(service: string, root = ROOT): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (scripts?.[`start:${service}`] ?? '').split(/\s+/);
  const importAt = words.indexOf('--import');
  return words[0] === 'node' && importAt > 0 ? words.slice(1, importAt) : [];
}
const OUR_READY_LINE = / ready at (\S+)/;
const KEEP_OUTPUT = 64 * 1024;

/** The process and everything under it (cluster workers, a shell's children), from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent is the 2nd field after the command, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree: number[] = [];
  const walk = (id: number) => {
    tree.push(id);
    for (const child of children.get(id) ?? []) walk(child);
  };
  walk(pid);
  return tree;
}

/**
 * utime + stime of one process in milliseconds (from its clock ticks); 0 once it has ended.
 * With `children`, also the CPU of its children that have ended and been waited for.
 */
export function cpuTime(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime and cstime are fields 14 to 17 of stat, so 11 to 14 after the command.
    const ticks = Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Run-queue wait of a process's main thread in milliseconds (schedstat's 2nd field, ns); 0 once it has ended. */
export function mainThreadWait(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ: 100 on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** VmHWM (peak) or VmRSS (now) of one process in bytes; 0 once it has ended. */
function peakRss(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function spawnService(spec: ServiceSpec): Promise<ServiceProcess> {
  const [command, args] =
    typeof spec.entry === 'string'
      ? [process.execPath, [...(spec.nodeArgs ?? []), '--import', 'tsx', spec.entry]]
      : [spec.entry.command, spec.entry.args];
  const spawnedAt = performance.now();
  const child = spawn(command, args, {
    cwd: spec.cwd ?? ROOT,
    env: { ...process.env, ...EPHEMERAL_METRICS_PORTS, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${command}`);
  const pid = child.pid;
  let output = '';
  let url = spec.readyUrl ?? '';
  let lineSeen = false;
  const readyLine = spec.readyUrl ? spec.readyLine : (spec.readyLine ?? OUR_READY_LINE);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ? null : code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  // SERVICE_LOG_DIR keeps everything a service printed, to read after a bench run (bench/README.md).
  const logFile = process.env.SERVICE_LOG_DIR ? join(process.env.SERVICE_LOG_DIR, `${spec.name}-${pid}.log`) : undefined;
  const onOutput = (chunk: Buffer) => {
    if (logFile) appendFileSync(logFile, chunk);
    output = (output + chunk.toString('utf8')).slice(-KEEP_OUTPUT);
    if (readyLine && !lineSeen) {
      const match = readyLine.exec(output);
      if (match) {
        lineSeen = true;
        if (match[1]) url = match[1];
      }
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);

  const stop = async (graceMs = 15_000) => {
    if (exitCode !== undefined) return;
    const tree = processTree(pid);
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      for (const id of tree.reverse()) {
        try {
          process.kill(id, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exited;
    }
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${spec.name} exited (${exitCode}) before it was ready:\n${output}`);
    let ready = readyLine ? lineSeen : true;
    if (ready && spec.readyUrl) {
      ready = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.ok,
        () => false,
      );
    }
    if (ready) break;
    if (Date.now() > deadline) {
      await stop(2000);
      throw new Error(`${spec.name} was not ready within ${spec.startTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await sleep(100);
  }
  return {
    name: spec.name,
    pid,
    url,
    peakRssBytes: () => processTree(pid).reduce((sum, id) => sum + peakRss(id), 0),
    rssBytes: () => processTree(pid).reduce((sum, id) => sum + peakRss(id, 'VmRSS'), 0),
    readyMs: performance.now() - spawnedAt,
    cpuMs: () => processTree(pid).reduce((sum, id) => sum + cpuTime(id), 0),
    cpuWaitMs: () => processTree(pid).reduce((sum, id) => sum + mainThreadWait(id), 0),
    output: () => output,
    exitCode: () => exitCode,
    stop,
  };
}

export interface OurServices {
  practices: ServiceProcess;
  rollout: ServiceProcess;
  records: ServiceProcess;
  gateway: ServiceProcess;
  /** Each service's /graphql URL. */
  urls: { gateway: string; practices: string; rollout: string; records: string };
  /** The secret the gateway signs subgraph requests with (to call a subgraph directly, signed). */
  signingSecret: string;
  /** The development keys the identity provider publishes (signDevToken(keysPath, ...) mints accepted tokens). */
  keysPath: string;
  /** The local identity provider the gateway reads its keys from (discovery, then JWKS). */
  identityProvider: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * The three subgraphs and our gateway, each its own process on a free port, reading
 * `dataDir/<name>.sqlite` (demo data loaded into empty databases unless `demoData: false`),
 * LOG_LEVEL=warn. `gatewayWorkers` is GATEWAY_WORKERS (a number or 'auto'; default 1).
 * `env` is added to every service's environment; `gatewayNodeArgs` to the gateway's node (profiling).
 */
export async function startOurServices(options: {
  dataDir: string;
  gatewayWorkers?: number | 'auto';
  demoData?: boolean;
  env?: NodeJS.ProcessEnv;
  gatewayEnv?: NodeJS.ProcessEnv;
  gatewayNodeArgs?: string[];
  /** Node's options for each subgraph (profiling). */
  subgraphNodeArgs?: string[];
  /** The source tree to run the services from (default this one): to compare two versions of the code. */
  root?: string;
}): Promise<OurServices> {
  const signingSecret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    SUBGRAPH_SIGNING_SECRET: signingSecret,
    DEMO_DATA: options.demoData === false ? '0' : '1',
    // SQLite under dataDir, whatever the caller's shell says (undefined drops a variable from the child's environment).
    PRACTICES_DATABASE_URL: undefined,
    ROLLOUT_DATABASE_URL: undefined,
    RECORDS_DATABASE_URL: undefined,
    APOLLO_TELEMETRY_DISABLED: '1',
    ...options.env,
  };
  const started: ServiceProcess[] = [];
  const stopAll = async () => {
    for (const service of [...started].reverse()) await service.stop();
  };
  const start = async (name: string, entry: string, extra: NodeJS.ProcessEnv, nodeArgs: string[] = []) => {
    const service = await spawnService({
      name,
      entry,
      env: { ...env, ...extra },
      nodeArgs: [...serviceNodeFlags(name, options.root), ...nodeArgs],
      ...(options.root ? { cwd: options.root } : {}),
    });
    started.push(service);
    return service;
  };
  try {
    const nodeArgs = options.subgraphNodeArgs;
    const identityProvider = await start('identity-provider', 'identity-provider/main.ts', { IDENTITY_PROVIDER_PORT: '0' });
    const practices = await start('practices', 'subgraphs/practices/main.ts', { PRACTICES_PORT: '0' }, nodeArgs);
    const rollout = await start(
      'rollout',
      'subgraphs/rollout/main.ts',
      { ROLLOUT_PORT: '0', PRACTICES_URL: practices.url },
      nodeArgs,
    );
    const records = await start('records', 'subgraphs/records/main.ts', { RECORDS_PORT: '0' }, nodeArgs);
    const gateway = await start(
      'gateway',
      'gateway/main.ts',
      {
        GATEWAY_PORT: '0',
        GATEWAY_WORKERS: String(options.gatewayWorkers ?? 1),
        PRACTICES_URL: practices.url,
        ROLLOUT_URL: rollout.url,
        RECORDS_URL: records.url,
        IDENTITY_PROVIDER_URL: identityProvider.url,
        ...options.gatewayEnv,
      },
      options.gatewayNodeArgs,
    );
    return {
      practices,
      rollout,
      records,
      gateway,
      urls: { gateway: gateway.url, practices: practices.url, rollout: rollout.url, records: records.url },
      signingSecret,
      keysPath: join(options.dataDir, 'dev-jwt-keys.json'),
      identityProvider,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
