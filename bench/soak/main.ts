import { parseArgs } from 'node:util';
import { benchSettings } from '../bench-settings';
import { runSoak } from './soak';

/**
 * `npm run soak -- --seconds N [--concurrency C] [--processes] [--patients P]`: see bench/README.md. On SQLite
 * by default; BENCH_DATABASE=postgres with BENCH_DATABASE_URL puts each subgraph in a database
 * of its own on that server, as production has, dropped at the end.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      concurrency: { type: 'string', default: '8' },
      processes: { type: 'boolean', default: false },
      patients: { type: 'string', default: '100' },
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const patients = Number(values.patients);
  if (!(seconds > 0) || !(concurrency > 0)) throw new Error('--seconds and --concurrency must be positive numbers');
  if (!Number.isInteger(patients) || patients < 1) throw new Error('--patients must be a whole number, at least 1');
  const settings = benchSettings();
  const results = await runSoak({
    seconds,
    concurrency,
    processes: values.processes,
    patients,
    ...(settings.database === 'postgres' ? { databaseUrl: settings.databaseUrl } : {}),
  });
  console.log(`\n${results.markdown}`);
  if (Object.keys(results.unexpected).length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
