import { benchSettings } from './bench-settings';
import { runDatabases } from './bench-databases';
import { heavyAnalysts } from './heavy-analysts';
import { nationalBench } from './national';
import { openLoadBench } from './open-load/open-load';
import { rolloutAnalytics } from './rollout-analytics';

/**
 * `npm run bench`: the national-scale benchmark (bench/results/national.md and .json; settings in
 * bench-settings.ts). BENCH_ONLY=analytics runs instead the analysts' one-at-a-time latencies
 * in-process, on SQLite or, with TEST_DATABASE_URL, PostgreSQL (bench/results/rollout-analytics*.md);
 * BENCH_ONLY=heavy-analysts a patient's first page while analysts send the heaviest operations
 * allowed, the same way (bench/results/heavy-analysts*.md and .json); BENCH_ONLY=open-load latency at a
 * fixed arrival rate in the realistic mix (bench/results/open-load*.md and .json).
 */
const BENCHES: Record<string, () => Promise<unknown>> = {
  national: () => nationalBench(),
  analytics: rolloutAnalytics,
  'heavy-analysts': () => heavyAnalysts(),
  'open-load': () => {
    const settings = benchSettings();
    return openLoadBench(
      settings.database === 'postgres'
        ? { database: 'postgres', databases: (dataset) => runDatabases(dataset, settings, console.log) }
        : {},
    );
  },
};

async function main() {
  const only = process.env.BENCH_ONLY ?? 'national';
  const bench = BENCHES[only];
  if (!bench) throw new Error(`BENCH_ONLY: one of ${Object.keys(BENCHES).join(', ')}`);
  await bench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
