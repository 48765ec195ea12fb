import { patientFirstPage } from './bench/patient-first-page';
import { rolloutAnalytics } from './bench/rollout-analytics';

/**
 * `npm run bench`: every benchmark, each printing and saving its table under bench/results/.
 * BENCH_ONLY=patient|analytics runs one. (The national-scale benchmark with autocannon and a
 * second gateway is issue 6.)
 */
const BENCHES: Record<string, () => Promise<void>> = { patient: patientFirstPage, analytics: rolloutAnalytics };

async function main() {
  const only = process.env.BENCH_ONLY;
  for (const [name, bench] of Object.entries(BENCHES)) if (!only || only === name) await bench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
