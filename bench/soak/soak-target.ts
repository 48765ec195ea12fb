import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubgraphName } from '../../platform/config';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';
import { signDevToken } from '../../gateway/dev-keys';
import { claimsFor, type TokenRequest } from '../../gateway/token-claims';
import type { Clock } from '../../platform/clock';
import { RunningClock } from '../../test/helpers/running-clock';
import { Scenario } from '../../test/helpers/scenario';
import { createScratchDatabases, type ScratchDatabases } from '../../test/helpers/scratch-databases';
import { startAutovacuumStandIn, type AutovacuumStandIn } from '../autovacuum-stand-in';
import { localPostgresCpu } from '../postgres-cpu';
import { startOurServices } from '../../test/helpers/service-process';
import { postGraphQL, startSupergraph, type GraphQLResponse } from '../../test/helpers/supergraph';

/** The app's rate limits lifted: one demo app stands for production's many. */
const APP_RATE_LIMIT = { perSecond: 100_000, burst: 100_000 };

/** What the soak drives: the whole system behind one gateway URL, and how to read its memory. */
export interface SoakTarget {
  /** How the services run, for the results: `in-process` or `processes`. */
  mode: 'in-process' | 'processes';
  token(request: TokenRequest): Promise<string>;
  graphql(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  /** An app's request by trusted operation id, as its client sends it. */
  byId(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  /**
   * Memory now, MB. In one process: its heap (after a full GC when node runs with
   * --expose-gc) and resident set. As processes: each service's resident set.
   */
  memoryMb(): Record<string, number>;
  /**
   * CPU time used so far, ms: each service's process (as processes) or this one (in one
   * process), and the PostgreSQL server's when it is on this machine.
   */
  cpuMs(): Record<string, number>;
  /** On PostgreSQL: who vacuums and analyzes the databases (the server, or the run when the server does not). */
  maintenance?: AutovacuumStandIn;
  /** The clock the services read, in one process (as processes they read the system's). */
  clock?: Clock;
  stop(): Promise<void>;
}

/**
 * Scratch databases on the server when asked for PostgreSQL, vacuumed and analyzed as a
 * production server would (autovacuum-stand-in.ts); `drop()` stops that and drops them.
 */
async function scratchDatabases(
  databaseUrl: string | undefined,
): Promise<(ScratchDatabases & { maintenance: AutovacuumStandIn }) | undefined> {
  if (!databaseUrl) return undefined;
  const scratch = await createScratchDatabases('soak', databaseUrl);
  let maintenance: AutovacuumStandIn;
  try {
    maintenance = await startAutovacuumStandIn(Object.values(scratch.urls));
  } catch (error) {
    await scratch.drop();
    throw error;
  }
  return {
    urls: scratch.urls,
    maintenance,
    drop: async () => {
      try {
        await maintenance.stop();
      } finally {
        await scratch.drop();
      }
    },
  };
}

const sendById = (url: string, token: string, query: string, variables?: Record<string, unknown>) =>
  postGraphQL<Record<string, unknown>>(
    url,
    { authorization: `Bearer ${token}` },
    { variables, extensions: { persistedQuery: { version: 1, sha256Hash: Scenario.operation(query).id } } },
  );

/** The whole system in this process (the soak's first form: heap measured after a full GC). */
export async function inProcessTarget(databaseUrl?: string): Promise<SoakTarget> {
  const scratch = await scratchDatabases(databaseUrl);
  const databases = scratch
    ? (Object.fromEntries(
        Object.entries(scratch.urls).map(([name, url]) => [name, { kind: 'postgres', url } satisfies DatabaseConfig]),
      ) as Record<SubgraphName, DatabaseConfig>)
    : undefined;
  const supergraph = await startSupergraph({
    // Time runs, as in a deployment: what the services keep for a while is let go (see running-clock.ts).
    clock: new RunningClock(new Date()),
    demoData: true,
    appRateLimit: APP_RATE_LIMIT,
    ...(databases ? { databases } : {}),
  }).catch(async (error: unknown) => {
    await scratch?.drop(); // the databases, and the vacuuming of them
    throw error;
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const postgresCpu = localPostgresCpu(databaseUrl);
  return {
    mode: 'in-process',
    clock: supergraph.clock,
    ...(scratch ? { maintenance: scratch.maintenance } : {}),
    token: (request) => supergraph.token(request),
    graphql: (token, query, variables) => supergraph.graphql(token, query, variables),
    byId: (token, query, variables) => sendById(supergraph.url, token, query, variables),
    memoryMb: () => {
      gc?.();
      const memory = process.memoryUsage();
      return { heap: memory.heapUsed / 2 ** 20, rss: memory.rss / 2 ** 20 };
    },
    cpuMs: () => {
      const { user, system } = process.cpuUsage();
      return { process: (user + system) / 1000, ...(postgresCpu ? { postgres: postgresCpu() } : {}) };
    },
    stop: async () => {
      await supergraph.stop();
      await scratch?.drop();
    },
  };
}

/**
 * Every service its own process, as deployed (`npm run soak -- --processes`): each one's
 * resident memory is its own, so a leak shows in the service that has it.
 */
export async function processesTarget(databaseUrl?: string): Promise<SoakTarget> {
  const scratch = await scratchDatabases(databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const env: NodeJS.ProcessEnv = {
    APP_RATE_LIMIT_PER_SECOND: String(APP_RATE_LIMIT.perSecond),
    APP_RATE_LIMIT_BURST: String(APP_RATE_LIMIT.burst),
    // The demo patient's own limit for apps too (it must stay below the app's).
    APP_PATIENT_RATE_LIMIT_PER_SECOND: String(APP_RATE_LIMIT.perSecond / 2),
    APP_PATIENT_RATE_LIMIT_BURST: String(APP_RATE_LIMIT.burst / 2),
    ...(scratch
      ? Object.fromEntries(Object.entries(scratch.urls).map(([name, url]) => [`${name.toUpperCase()}_DATABASE_URL`, url]))
      : {}),
  };
  let services;
  try {
    services = await startOurServices({ dataDir, demoData: true, env });
  } catch (error) {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const running = [services.gateway, services.practices, services.rollout, services.records];
  const gatewayUrl = services.urls.gateway;
  const postgresCpu = localPostgresCpu(databaseUrl);
  return {
    mode: 'processes',
    ...(scratch ? { maintenance: scratch.maintenance } : {}),
    token: (request) => signDevToken(services.keysPath, claimsFor(request)),
    graphql: (token, query, variables) => postGraphQL(gatewayUrl, { authorization: `Bearer ${token}` }, { query, variables }),
    byId: (token, query, variables) => sendById(gatewayUrl, token, query, variables),
    memoryMb: () => Object.fromEntries(running.map((service) => [service.name, service.rssBytes() / 2 ** 20])),
    cpuMs: () => ({
      ...Object.fromEntries(running.map((service) => [service.name, service.cpuMs()])),
      ...(postgresCpu ? { postgres: postgresCpu() } : {}),
    }),
    stop: async () => {
      await services.stop();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
