import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './ports';

/** Debian's `prometheus` package (apt-get install -y --no-install-recommends prometheus). */
export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/**
 * `describe` when `binary` is installed. Without it: a failing test when REQUIRE_PROMETHEUS=1 (as
 * in CI), else a loud warning and `describe.skip`, so a missing Prometheus is never a quiet pass.
 */
export function describeWithPrometheus(what: string, binary = PROMETHEUS): jest.Describe {
  if (existsSync(binary)) return describe;
  const install = '`apt-get install -y --no-install-recommends prometheus`';
  if (process.env.REQUIRE_PROMETHEUS === '1') {
    it(`needs ${binary}`, () => {
      throw new Error(`${binary} is missing and REQUIRE_PROMETHEUS=1: install it with ${install}`);
    });
  } else {
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPED: ${what}: ${binary} is missing.\n` +
        `!! Install it with ${install} (CI sets REQUIRE_PROMETHEUS=1 and fails instead).\n${'!'.repeat(78)}\n`,
    );
  }
  return describe.skip;
}

export interface RunningPrometheus {
  url: string;
  /** GET /api/v1/<path> with the query's parameters; the `data` of a successful answer. */
  api<T>(path: string, parameters?: Record<string, string>): Promise<T>;
  /** An instant query's samples: labels and value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** SIGTERM, and its exit code once it has closed its storage (0: a clean stop); again: the same code. */
  stop(): Promise<number | null>;
}

/**
 * A real Prometheus, on a free port with its storage in a temporary directory, scraping each
 * `targets` job (name → host:port) every `scrapeIntervalS`. Resolves once its API answers.
 */
export async function startPrometheus(targets: Record<string, string>, scrapeIntervalS = 1): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'cas-prometheus-'));
  const jobs = Object.entries(targets)
    .map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']\n`)
    .join('');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: ${scrapeIntervalS}s\n  scrape_timeout: ${scrapeIntervalS}s\n  evaluation_interval: ${scrapeIntervalS}s\nscrape_configs:\n${jobs}`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string, parameters: Record<string, string> = {}): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(parameters).toString()}`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  const stop = async () => {
    // Prometheus stops cleanly on SIGTERM: it closes its storage first, then exits 0.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited;
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
      return (await fetch(`${url}/-/ready`)).ok;
    }, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    api,
    query: async (promql) => {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>('query', {
        query: promql,
      });
      return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
    stop,
  };
}
