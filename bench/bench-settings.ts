import { TEST_NHS_NUMBER_COUNT } from '../test/helpers/bulk-records';
import { z } from 'zod';
import { isPresetName, type PresetName } from './dataset/presets';
import { isOtherGateway, OTHER_GATEWAYS, type OtherGateway } from './other-gateway';

/** `npm run bench`'s settings, from the environment; each has a default that gives the README's figures. */
export interface BenchSettings {
  /** The data set the scenarios run on (`national`: 100,000 patients, 5,000,000 entries). */
  preset: PresetName;
  /** The data set's seed and, when set, sizes other than the preset's. */
  seed?: number;
  patients?: number;
  entries?: number;
  /** Also run scenario 1 on the other preset, to show the cost as the database grows. */
  compareSizes: boolean;
  /** Each measured burst, after its warm-up. */
  seconds: number;
  /** Bursts of each compared scenario (the gateways on one operation; scenarios 1 and 2), alternating; the median is reported. */
  rounds: number;
  warmupSeconds: number;
  /** Concurrent connections autocannon keeps open. */
  connections: number;
  /**
   * The same for the analysts' scenarios: a few analysts at once, each figure far more work than
   * a page (bench/results/rollout-analytics.md).
   */
  analystConnections: number;
  /**
   * Connections for scenarios 1 and 2 run again at capacity: enough requests in flight that the
   * page's three processes keep the machine's cores busy, as the records subgraph alone keeps its
   * one core busy with far fewer. 0 leaves that pair out.
   */
  capacityConnections: number;
  /** Processes of each gateway (ours: GATEWAY_WORKERS; Hive Gateway: as many). */
  gatewayWorkers: number;
  /** Run the same supergraph through Hive Gateway too. */
  hive: boolean;
  /** Where the subgraphs keep their data: SQLite files (today's default) or PostgreSQL, a database each. */
  database: 'sqlite' | 'postgres';
  /** The PostgreSQL server the data set is loaded into (its databases made afresh each run). */
  databaseUrl?: string;
  /** Which of Hive Gateway's configurations (bench/other-gateway.ts), when `hive` is on. */
  peers: OtherGateway[];
}

const flag = z.enum(['0', '1']).transform((value) => value === '1');

export function benchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const parsed = z
    .object({
      BENCH_PRESET: z.string().default('national').refine(isPresetName, 'BENCH_PRESET: small, national or tenfold'),
      BENCH_SEED: z.coerce.number().int().min(0).optional(),
      BENCH_PATIENTS: z.coerce.number().int().min(120).max(TEST_NHS_NUMBER_COUNT).optional(),
      BENCH_ENTRIES: z.coerce.number().int().min(1).optional(),
      BENCH_COMPARE_SIZES: flag.default(true),
      BENCH_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
      BENCH_ROUNDS: z.coerce.number().int().min(1).max(21).default(3),
      BENCH_WARMUP_SECONDS: z.coerce.number().int().min(0).max(120).default(3),
      BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(10),
      BENCH_ANALYST_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(4),
      BENCH_CAPACITY_CONNECTIONS: z.coerce.number().int().min(0).max(1000).default(32),
      BENCH_GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
      BENCH_HIVE: flag.default(true),
      BENCH_DATABASE: z.enum(['sqlite', 'postgres']).default('sqlite'),
      BENCH_DATABASE_URL: z.string().url().optional(),
      BENCH_PEERS: z
        .string()
        .default(OTHER_GATEWAYS.join(','))
        .transform((list) => list.split(',').filter(Boolean))
        .refine((names) => names.every(isOtherGateway), `BENCH_PEERS: a comma-separated list of ${OTHER_GATEWAYS.join(', ')}`)
        .transform((names) => names.filter(isOtherGateway)),
    })
    .refine((e) => e.BENCH_DATABASE === 'sqlite' || e.BENCH_DATABASE_URL, {
      message: 'BENCH_DATABASE=postgres needs BENCH_DATABASE_URL (a server where the bench may create databases)',
      path: ['BENCH_DATABASE_URL'],
    })
    .parse(env);
  return {
    preset: parsed.BENCH_PRESET,
    ...(parsed.BENCH_SEED !== undefined ? { seed: parsed.BENCH_SEED } : {}),
    ...(parsed.BENCH_PATIENTS !== undefined ? { patients: parsed.BENCH_PATIENTS } : {}),
    ...(parsed.BENCH_ENTRIES !== undefined ? { entries: parsed.BENCH_ENTRIES } : {}),
    compareSizes: parsed.BENCH_COMPARE_SIZES,
    seconds: parsed.BENCH_SECONDS,
    rounds: parsed.BENCH_ROUNDS,
    warmupSeconds: parsed.BENCH_WARMUP_SECONDS,
    connections: parsed.BENCH_CONNECTIONS,
    analystConnections: parsed.BENCH_ANALYST_CONNECTIONS,
    capacityConnections: parsed.BENCH_CAPACITY_CONNECTIONS,
    gatewayWorkers: parsed.BENCH_GATEWAY_WORKERS,
    hive: parsed.BENCH_HIVE,
    database: parsed.BENCH_DATABASE,
    ...(parsed.BENCH_DATABASE_URL !== undefined ? { databaseUrl: parsed.BENCH_DATABASE_URL } : {}),
    peers: parsed.BENCH_PEERS,
  };
}
