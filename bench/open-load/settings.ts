import { z } from 'zod';
import type { Arrivals } from './schedule';

/** `BENCH_ONLY=open-load`'s own settings, from the environment (the data set's are bench-settings.ts'). */
export interface OpenLoadSettings {
  /** The closed-loop run that measures capacity in the mix: its length and requests in flight. */
  capacitySeconds: number;
  capacityConnections: number;
  /** A closed-loop run first, its figures thrown away (caches, JIT, connections). */
  warmupSeconds: number;
  /** Each open-model run at a share of capacity. */
  seconds: number;
  /** The shares of capacity run at, in order. */
  levels: number[];
  /** Rounds of the levels, one after the other (25, 50, 75, 25, ...): one 20 s window's p99 is a handful of pages. */
  repeats: number;
  arrivals: Arrivals;
  seed: number;
}

export function openLoadSettings(env: NodeJS.ProcessEnv = process.env): OpenLoadSettings {
  const parsed = z
    .object({
      BENCH_OPEN_CAPACITY_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
      BENCH_OPEN_CAPACITY_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(32),
      BENCH_OPEN_WARMUP_SECONDS: z.coerce.number().int().min(0).max(120).default(3),
      BENCH_OPEN_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
      BENCH_OPEN_LEVELS: z
        .string()
        .default('0.25,0.5,0.75')
        .transform((text) => text.split(',').map(Number))
        .refine(
          (levels) => levels.every((level) => level > 0 && level <= 2),
          'BENCH_OPEN_LEVELS: shares of capacity, e.g. 0.25,0.5,0.75',
        ),
      BENCH_OPEN_REPEATS: z.coerce.number().int().min(1).max(20).default(3),
      BENCH_OPEN_ARRIVALS: z.enum(['poisson', 'constant']).default('poisson'),
      BENCH_OPEN_SEED: z.coerce.number().int().min(0).default(2026),
    })
    .parse(env);
  return {
    capacitySeconds: parsed.BENCH_OPEN_CAPACITY_SECONDS,
    capacityConnections: parsed.BENCH_OPEN_CAPACITY_CONNECTIONS,
    warmupSeconds: parsed.BENCH_OPEN_WARMUP_SECONDS,
    seconds: parsed.BENCH_OPEN_SECONDS,
    levels: parsed.BENCH_OPEN_LEVELS,
    repeats: parsed.BENCH_OPEN_REPEATS,
    arrivals: parsed.BENCH_OPEN_ARRIVALS,
    seed: parsed.BENCH_OPEN_SEED,
  };
}
