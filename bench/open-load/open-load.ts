import { localPostgresCpu } from '../postgres-cpu';
import { loadavg } from 'node:os';
import { signDevToken } from '../../gateway/dev-keys';
import { claimsFor, type TokenRequest } from '../../gateway/token-claims';
import { startOurServices, type ServiceProcess } from '../../test/helpers/service-process';
import { benchSettings } from '../bench-settings';
import { ensureDataset, type Dataset, type DatasetOptions } from '../dataset/dataset';
import { datasetLabel } from '../national-results';
import { type LoadFigures, type LoadPlan } from './generator';
import { openLoadMarkdown, type OpenLoadResults } from './open-load-results';
import { runInOwnProcess } from './own-process';
import type { MixKind } from './mix';
import { prepareMix } from './prepare-mix';
import { sqliteCopy, type OpenLoadDatabases } from './run-databases';
import { openLoadSettings, type OpenLoadSettings } from './settings';
import { RESULTS_DIR, saveJson, saveResult } from '../results';

export interface OpenLoadOptions {
  settings?: OpenLoadSettings;
  /** Default: bench-settings.ts' preset, seed and sizes. */
  dataset?: DatasetOptions;
  /** Which database the subgraphs run on (names the results: open-load-postgres on PostgreSQL). */
  database?: 'sqlite' | 'postgres';
  /**
   * Makes the run's databases from the data set: default a fresh copy of its SQLite files; on
   * PostgreSQL the loader's databases (bench-databases.ts' runDatabases has this shape).
   */
  databases?: (dataset: Dataset) => Promise<OpenLoadDatabases>;
  /** Shares other than the README's (the tiny test's even mix sends every kind in a second). */
  weights?: Partial<Record<MixKind, number>>;
  /** Default bench/results. */
  resultsDir?: string;
  say?: (line: string) => void;
}

/**
 * `BENCH_ONLY=open-load npm run bench`: latency at a fixed arrival rate with the realistic mix.
 * Every service in its own process on the data set, the generator in its own too; capacity
 * measured in the same mix by a closed loop, then open-model runs at shares of it.
 * Writes bench/results/open-load.md and .json (open-load-postgres on PostgreSQL).
 */
export async function openLoadBench(options: OpenLoadOptions = {}): Promise<OpenLoadResults> {
  const settings = options.settings ?? openLoadSettings();
  const say = options.say ?? ((line: string) => console.log(line));
  const database = options.database ?? 'sqlite';
  const loadAtStart = loadavg()[0]!;
  const bench = benchSettings();
  const dataset = await ensureDataset(
    options.dataset ?? {
      preset: bench.preset,
      ...(bench.seed !== undefined ? { seed: bench.seed } : {}),
      ...(bench.patients !== undefined ? { patients: bench.patients } : {}),
      ...(bench.entries !== undefined ? { entries: bench.entries } : {}),
    },
  );
  const databases = await (options.databases ?? sqliteCopy)(dataset);
  const services = await startOurServices({
    dataDir: databases.dataDir,
    demoData: false,
    env: {
      // One app stands for production's many, each under its own limits: lift the per-app ones.
      APP_RATE_LIMIT_PER_SECOND: '100000',
      APP_RATE_LIMIT_BURST: '100000',
      APP_PATIENT_RATE_LIMIT_PER_SECOND: '50000',
      APP_PATIENT_RATE_LIMIT_BURST: '50000',
      ...databases.env,
    },
  }).catch(async (error: unknown) => {
    await databases.remove();
    throw error;
  });
  const serving: ServiceProcess[] = [services.gateway, services.practices, services.rollout, services.records];
  try {
    const mint = (request: TokenRequest) => signDevToken(services.keysPath, claimsFor(request), { expiresIn: '2h' });
    let mix = (await prepareMix({ gatewayUrl: services.urls.gateway, mint, dataset })).map((entry) => ({
      ...entry,
      weight: options.weights?.[entry.name as MixKind] ?? entry.weight,
    }));
    let seed = settings.seed;
    // Each run in the generator's own process, the serving processes' CPU measured around it.
    // On PostgreSQL the server's own CPU too, when it shares this machine (postgres-cpu.ts).
    const postgresCpu = localPostgresCpu(databases.env.RECORDS_DATABASE_URL);
    const run = async (mode: LoadPlan['mode']) => {
      const before = serving.map((p) => p.cpuMs());
      const waitedBefore = serving.map((p) => p.cpuWaitMs());
      const postgresBefore = postgresCpu?.();
      const figures = await runInOwnProcess({ url: services.urls.gateway, mode, seed: (seed += 7), mix });
      // Results filed in this run stay filed: the next files only what is left.
      mix = mix.map((entry) =>
        entry.send.kind === 'file-entry' ? { ...entry, send: { ...entry.send, unfiled: figures.unfiledLeft } } : entry,
      );
      const cores = Object.fromEntries(
        serving.map((p, i) => [p.name, (p.cpuMs() - before[i]!) / 1000 / figures.elapsedSeconds]),
      ) as Record<string, number>;
      if (postgresCpu) cores.postgresql = (postgresCpu() - postgresBefore!) / 1000 / figures.elapsedSeconds;
      cores.generator = figures.generatorCpuMs / 1000 / figures.elapsedSeconds;
      const waits = Object.fromEntries(
        serving.map((p, i) => [p.name, (p.cpuWaitMs() - waitedBefore[i]!) / figures.elapsedSeconds]),
      ) as Record<string, number>;
      return { figures, cores, waits };
    };
    if (settings.warmupSeconds > 0)
      await run({ kind: 'closed', connections: settings.capacityConnections, seconds: settings.warmupSeconds });
    const capacity = await run({ kind: 'closed', connections: settings.capacityConnections, seconds: settings.capacitySeconds });
    const capacityPerSecond = capacity.figures.answeredInWindowPerSecond;
    say(`open load: capacity in the mix ${capacityPerSecond.toFixed(0)} req/s at ${settings.capacityConnections} in flight`);
    const levels: OpenLoadResults['levels'] = [];
    // Round after round of every level, so a slow spell of a shared machine falls on all of them.
    for (let round = 1; round <= settings.repeats; round += 1) {
      for (const share of settings.levels) {
        const ratePerSecond = Math.max(1, capacityPerSecond * share);
        const { figures, cores, waits } = await run({
          kind: 'open',
          arrivals: settings.arrivals,
          ratePerSecond,
          seconds: settings.seconds,
        });
        say(
          `open load: ${Math.round(share * 100)} % (${ratePerSecond.toFixed(0)} req/s), round ${round}: p50 ${figures.overall.p50Ms.toFixed(1)}, p99 ${figures.overall.p99Ms.toFixed(1)}, p99.9 ${figures.overall.p999Ms.toFixed(1)} ms, ${figures.errors} errors, ${figures.wrong} wrong`,
        );
        levels.push({ share, round, figures, cores, waits });
      }
    }
    const results: OpenLoadResults = {
      at: new Date().toISOString(),
      database,
      dataset: datasetLabel(dataset),
      settings,
      mix: mix.map((m) => ({ name: m.name, weight: m.weight })),
      capacity: { perSecond: capacityPerSecond, figures: capacity.figures, cores: capacity.cores, waits: capacity.waits },
      levels,
      loadAverage: { start: loadAtStart, end: loadavg()[0]! },
      ...(databases.maintenance ? { maintenance: databases.maintenance.describe() } : {}),
    };
    const name = database === 'postgres' ? 'open-load-postgres' : 'open-load';
    const dir = options.resultsDir ?? RESULTS_DIR;
    await saveJson(name, results, dir);
    // saveResult adds "-postgres" itself when TEST_DATABASE_URL is set.
    say(await saveResult(process.env.TEST_DATABASE_URL ? 'open-load' : name, openLoadMarkdown(results), dir, false));
    return results;
  } finally {
    await services.stop();
    await databases.remove();
  }
}

export type { LoadFigures };
