import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../../gateway/config';
import { devJwtConfig } from '../../gateway/identity/dev-issuers';
import { signDevToken } from '../../gateway/dev-keys';
import { startGateway, type GatewayHandle } from '../../gateway/server';
import { claimsFor, type TokenRequest } from '../../gateway/token-claims';
import { ManualClock, type Clock } from '../../platform/clock';
import { DEFAULT_CLOCK_TOLERANCE_MS, type DatabaseConfig, type SubgraphConfig } from '../../subgraphs/runtime/config';
import { type SubgraphName } from '../../platform/config';
import { silentLogger, type Logger } from '../../platform/logger';
import type { SubgraphHandle } from '../../subgraphs/runtime/start-subgraph';
import type { ServiceHandle } from '../../platform/http';
import { startPracticesSubgraph } from '../../subgraphs/practices/server';
import { startRecordsSubgraph } from '../../subgraphs/records/server';
import { startRolloutSubgraph } from '../../subgraphs/rollout/server';
import { createTestDatabase, type TestDatabase } from './database';
import { FaultProxy } from './fault-proxy';
import { countReceivedRequests } from './received-requests';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; requestId?: string } }[];
  };
  /** The gateway's x-request-id for this request (every error's `extensions.requestId`); absent from a subgraph. */
  requestId?: string;
  /** The answer's Retry-After header, when it has one. */
  retryAfter?: string;
}

export interface Supergraph {
  url: string;
  clock: ManualClock;
  secret: string;
  /** Holds the development JWT keys the gateway trusts (a CLI given DATA_DIR=dataDir mints accepted tokens). */
  dataDir: string;
  gateway: GatewayHandle;
  subgraphs: Record<SubgraphName, SubgraphHandle>;
  /** Each subgraph's database, as its service was given it (another instance can be given the same: `sameAs`). */
  databases: Record<SubgraphName, DatabaseConfig>;
  /** The fault injectors asked for with `faultProxies`, by subgraph. */
  faults: Partial<Record<SubgraphName, FaultProxy>>;
  /** GraphQL requests (/graphql) each subgraph has received so far: unchanged across a request means none reached them. */
  subgraphRequests(): Record<SubgraphName, number>;
  /** Runs `send` and says which subgraphs received how many HTTP requests meanwhile (none: an empty object). */
  reachedDuring<T>(send: () => Promise<T>): Promise<{ response: T; reached: Record<string, number> }>;
  token(request: TokenRequest): Promise<string>;
  graphql<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** One more gateway process over the same subgraphs (as in a deployment with several); stopped with the rest. */
  anotherGateway(): Promise<ServiceHandle>;
  /** Stops one subgraph (to test a service that is down); its database stays. */
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Puts one service's clock `offsetMs` ahead of `clock` (negative: behind); every offset starts at 0. */
  skewClock(service: SubgraphName | 'gateway', offsetMs: number): void;
  stop(): Promise<void>;
}

/** Matches the id the gateway gives each request (a UUID), where the test cannot read its x-request-id header. */
export const anyRequestId = (): unknown =>
  expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export async function postGraphQL<T>(url: string, headers: Record<string, string>, body: unknown): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: GraphQLResponse<T>['body'];
  try {
    parsed = JSON.parse(text) as GraphQLResponse<T>['body'];
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  const requestId = response.headers.get('x-request-id');
  const retryAfter = response.headers.get('retry-after');
  return {
    status: response.status,
    body: parsed,
    ...(requestId === null ? {} : { requestId }),
    ...(retryAfter === null ? {} : { retryAfter }),
  };
}

/**
 * The whole supergraph in-process on free ports, over real HTTP: three subgraphs, each
 * with a fresh database of its own (or one the test hands in through `databases`, which it
 * keeps and drops itself), and the gateway. The clock is shared and manual, so a test can
 * stand at the exact switch-on instant; each service reads it through its own offset (skewClock).
 */
export async function startSupergraph(
  options: {
    now?: string;
    /** The clock every service reads (default: a ManualClock standing at `now`); a soak passes a RunningClock. */
    clock?: ManualClock;
    demoData?: boolean;
    logger?: Logger;
    minimumNoticeDays?: number;
    databases?: Partial<Record<SubgraphName, DatabaseConfig>>;
    /**
     * Another instance of every service beside that supergraph's, as replicas in a deployment:
     * its databases, signing secret, token keys and clock; stopped apart (before it).
     */
    sameAs?: Supergraph;
    appRateLimit?: SubgraphConfig['appRateLimit'];
    /** How far the records rule lets the rollout and records clocks disagree (the production default unless given). */
    clockToleranceMs?: number;
    /** Subgraphs the gateway reaches through a fault injector (supergraph.faults[name]). */
    faultProxies?: SubgraphName[];
    subgraphTimeoutMs?: number;
    subgraphCalls?: GatewayConfig['subgraphCalls'];
    answerLimits?: GatewayConfig['answerLimits'];
    bulkheads?: GatewayConfig['bulkheads'];
    /** The web origins the gateway serves browsers from (none unless given, as in production). */
    corsAllowedOrigins?: GatewayConfig['corsAllowedOrigins'];
    /**
     * How often the gateway refreshes /readyz's state: by default once a minute here, so its
     * probes (SQL in every subgraph) stay out of the counts other tests take; tests of readiness
     * ask for a fast one.
     */
    readinessIntervalMs?: number;
  } = {},
): Promise<Supergraph> {
  const { sameAs } = options;
  const clock = sameAs?.clock ?? options.clock ?? new ManualClock(options.now ?? '2024-01-15T12:00:00.000Z');
  const offsets: Record<SubgraphName | 'gateway', number> = { gateway: 0, practices: 0, rollout: 0, records: 0 };
  const clockOf = (service: SubgraphName | 'gateway'): Clock => ({
    now: () => new Date(clock.now().getTime() + offsets[service]),
  });
  const secret = sameAs?.secret ?? randomBytes(32).toString('base64url');
  const dataDir = sameAs?.dataDir ?? mkdtempSync(join(tmpdir(), 'cas-keys-'));
  const keysPath = join(dataDir, 'dev-jwt-keys.json');
  const logger = options.logger ?? silentLogger();
  const databases: TestDatabase[] = [];
  const given: Partial<Record<SubgraphName, DatabaseConfig>> = { ...sameAs?.databases, ...options.databases };
  const used = {} as Record<SubgraphName, DatabaseConfig>;
  const started: ServiceHandle[] = [];
  const configFor = async (name: SubgraphName, practicesUrl = 'http://127.0.0.1:1/graphql'): Promise<SubgraphConfig> => {
    let database = given[name];
    if (!database) {
      const fresh = await createTestDatabase(name);
      databases.push(fresh);
      database = fresh.config;
    }
    used[name] = database;
    return {
      name,
      host: '127.0.0.1',
      port: 0,
      // Every service's figures on a free port of their own, as in production on a fixed one.
      metrics: { host: '127.0.0.1', port: 0 },
      database,
      signingSecret: secret,
      logLevel: 'silent',
      demoData: options.demoData ?? false,
      practicesUrl,
      minimumNoticeDays: options.minimumNoticeDays ?? 7,
      appRateLimit: options.appRateLimit ?? { perSecond: 10, burst: 20 },
      clockToleranceMs: options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS,
    };
  };
  const proxies: FaultProxy[] = [];
  const cleanup = async () => {
    await Promise.allSettled(proxies.map((proxy) => proxy.stop()));
    await Promise.allSettled(started.map((handle) => handle.stop()));
    await Promise.allSettled(databases.map((database) => database.drop()));
    if (!sameAs) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const practices = await startPracticesSubgraph(await configFor('practices'), { clock: clockOf('practices'), logger });
    started.push(practices);
    const rollout = await startRolloutSubgraph(await configFor('rollout', practices.url), { clock: clockOf('rollout'), logger });
    started.push(rollout);
    const records = await startRecordsSubgraph(await configFor('records'), { clock: clockOf('records'), logger });
    started.push(records);
    const faults: Partial<Record<SubgraphName, FaultProxy>> = {};
    for (const name of options.faultProxies ?? []) {
      faults[name] = await new FaultProxy({ practices, rollout, records }[name].url).start();
      proxies.push(faults[name]);
    }
    const gatewayConfig: GatewayConfig = {
      host: '127.0.0.1',
      port: 0,
      metrics: { host: '127.0.0.1', port: 0 },
      supergraphPath: join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
      subgraphUrls: {
        practices: faults.practices?.url ?? practices.url,
        rollout: faults.rollout?.url ?? rollout.url,
        records: faults.records?.url ?? records.url,
      },
      signingSecret: secret,
      subgraphTimeoutMs: options.subgraphTimeoutMs ?? 5000,
      ...(options.subgraphCalls ? { subgraphCalls: options.subgraphCalls } : {}),
      ...(options.answerLimits ? { answerLimits: options.answerLimits } : {}),
      ...(options.bulkheads ? { bulkheads: options.bulkheads } : {}),
      ...(options.corsAllowedOrigins ? { corsAllowedOrigins: options.corsAllowedOrigins } : {}),
      maxBodyBytes: 1024 * 1024,
      jwt: devJwtConfig(keysPath),
      logLevel: 'silent',
      readinessIntervalMs: options.readinessIntervalMs ?? 60_000,
    };
    const gateway = await startGateway(gatewayConfig, { clock: clockOf('gateway'), logger });
    const subgraphs = { practices, rollout, records };
    const received = countReceivedRequests(
      { practices: practices.port, rollout: rollout.port, records: records.port },
      { paths: ['/graphql'] },
    );
    const stopped = new Set<SubgraphName>();
    return {
      url: gateway.url,
      clock,
      secret,
      dataDir,
      gateway,
      subgraphs,
      databases: used,
      faults,
      subgraphRequests: () => received.counts(),
      reachedDuring: async <T>(send: () => Promise<T>) => {
        const before = received.counts();
        const response = await send();
        const after = received.counts();
        const reached: Record<string, number> = {};
        for (const name of Object.keys(after) as SubgraphName[]) {
          if (after[name] !== before[name]) reached[name] = after[name] - before[name];
        }
        return { response, reached };
      },
      anotherGateway: async () => {
        const extra = await startGateway(gatewayConfig, { clock: clockOf('gateway'), logger });
        started.push(extra);
        return extra;
      },
      token: (request) => signDevToken(keysPath, claimsFor(request)),
      graphql: (token, query, variables) =>
        postGraphQL(gateway.url, token ? { authorization: `Bearer ${token}` } : {}, { query, variables }),
      skewClock: (service, offsetMs) => {
        offsets[service] = offsetMs;
      },
      stopSubgraph: async (name) => {
        stopped.add(name);
        await subgraphs[name].stop();
      },
      stop: async () => {
        received.stop();
        await gateway.stop();
        started.splice(
          0,
          started.length,
          ...started.filter((handle) => ![...stopped].some((name) => subgraphs[name] === handle)),
        );
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
