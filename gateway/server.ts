import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { hashWithCryptoLoadedOnce } from '../patches/apollo-createhash-once';
import { systemClock, type Clock } from '../platform/clock';
import { Registry } from 'prom-client';
import { serveHttp, type ServiceHandle } from '../platform/http';
import { knownOperationNames } from '../platform/known-operations';
import { serveMetrics, type MetricsHandle } from '../platform/metrics-server';
import { operationMetricsPlugin } from '../platform/operation-metrics';
import { addProcessMetrics } from '../platform/service-registry';
import { createLogger, type Logger } from '../platform/logger';
import { loggableError } from '../platform/safe-log';
import { aliasShadowingRule } from './alias-shadowing';
import { ANSWER_LIMITS } from './answer-size';
import { bulkheadMetrics } from './bulkhead-metrics';
import { Bulkheads, BULKHEAD_LIMITS } from './bulkheads';
import type { GatewayConfig } from './config';
import { createConnectionPool } from './connection-pool';
import { maskGatewayError } from './error-masking';
import type { GatewayContext } from './gateway-context';
import { graphqlHandler } from './http-handler';
import { createTokenVerifier } from './identity';
import { gatewayPlugins } from './plugins';
import { readinessMonitor } from './readiness';
import { readinessMetrics } from './readiness-metrics';
import { currentRequestId, withRequestId } from './request-id';
import { LIMITED_PARSING, requestLimitRules } from './request-limits';
import { fieldSuggestions } from './schema-discovery';
import { DEFAULT_CALL_POLICY, signedFetcher } from './signed-fetcher';
import { subgraphCallMetrics } from './subgraph-call-metrics';
import { SubgraphDataSource } from './subgraph-data-source';
import { trustedOperationGate, TrustedOperationLookup } from './trusted-operations';

export interface GatewayOptions {
  clock?: Clock;
  logger?: Logger;
  /** false: keep the figures but serve no metrics port (a cluster worker: its primary serves them, cluster-metrics.ts). */
  serveMetrics?: boolean;
}

export interface GatewayHandle extends ServiceHandle {
  /** Where its figures are scraped (`http://host:port/metrics`), when the config gives a metrics port. */
  metricsUrl?: string;
  /** Its figures (a cluster worker hands them to the primary, which serves them). */
  metrics: Registry;
}

/**
 * The public endpoint. It serves the checked-in composed supergraph (it never introspects
 * subgraphs, so one that is down at start-up does not stop it), verifies the bearer token,
 * and forwards the verified identity to the subgraphs on signed requests.
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<GatewayHandle> {
  // Patient-facing traffic must never report to Apollo: set before the gateway is built.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  hashWithCryptoLoadedOnce();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  const verifyToken = await createTokenVerifier(config.jwt);
  const urls: Record<string, string> = config.subgraphUrls;
  const answerLimits = config.answerLimits ?? ANSWER_LIMITS;
  const pool = createConnectionPool({ maxResponseBytes: answerLimits.subgraphResponseBytes });
  const bulkheads = new Bulkheads(config.bulkheads ?? BULKHEAD_LIMITS);
  const registry = addProcessMetrics(new Registry(), config.metrics?.processMetrics);
  const callMetrics = subgraphCallMetrics(registry);
  const readinessFigures = readinessMetrics(registry);
  bulkheadMetrics(registry, bulkheads);

  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name }) => {
      const url = urls[name];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SubgraphDataSource(name, url, config.signingSecret, clock, callPolicy, pool, callMetrics);
    },
    logger: logger.child({ component: 'apollo-gateway' }),
    // Apollo's own spans (gateway.request, .plan, .fetch ...) name the operation's type only: never
    // its text, nor an error's message (decision 0077).
    telemetry: { includeDocument: false, recordExceptions: false },
  });

  const callPolicy = { timeoutMs: config.subgraphTimeoutMs, ...(config.subgraphCalls ?? DEFAULT_CALL_POLICY) };
  // Apps' trusted operations are kept by records, with their approval; asked for each app request (trusted-operations.ts).
  const trustedOperations = new TrustedOperationLookup(
    config.subgraphUrls.records,
    signedFetcher('records', config.signingSecret, clock, callPolicy, pool, callMetrics),
    clock,
    config.trustedOperationCacheMs,
  );
  const suggestions = fieldSuggestions();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    // We stop gracefully on SIGTERM/SIGINT ourselves (main-loop.ts, start-all.ts); Apollo's own
    // handlers would race ours and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // The request limits: hostile operations are refused before any subgraph is called
    // (request-limits.ts; cost and introspection in the plugins below).
    parseOptions: LIMITED_PARSING,
    validationRules: [...requestLimitRules(), aliasShadowingRule],
    // No automatic persisted queries: nothing needs them yet, and a hash mismatch surfaced as an internal error.
    persistedQueries: false,
    // On for Apollo Sandbox; introspectionPlugin refuses it to every role but analyst and nhse.
    introspection: true,
    formatError: (formatted, error) =>
      withRequestId(
        maskGatewayError(
          formatted,
          error,
          (original) => logger.error({ err: loggableError(original), requestId: currentRequestId() }, 'masked error'),
          {
            keepSuggestions: suggestions.shown(error),
            // A subgraph that did not answer in time is load or an outage, not a bug: a warning.
            onUnavailable: (original) =>
              logger.warn(
                { err: loggableError(original), requestId: currentRequestId() },
                'subgraph unavailable: try again answered',
              ),
          },
        ),
      ),
    plugins: [...gatewayPlugins(logger, suggestions.plugin), operationMetricsPlugin(registry, knownOperationNames())],
  });
  await apollo.start();
  const readiness = readinessMonitor(
    urls,
    { secret: config.signingSecret, clock },
    config.readinessIntervalMs,
    readinessFigures.skew,
  );
  readinessFigures.watch(readiness);

  const server = await serveHttp({
    name: 'gateway',
    host: config.host,
    port: config.port,
    logger,
    readiness: () => readiness.current(),
    metrics: registry,
    graphql: graphqlHandler(apollo, verifyToken, config.maxBodyBytes, {
      maxResponseBytes: answerLimits.responseBytes,
      bulkheads,
      logger,
      corsAllowedOrigins: config.corsAllowedOrigins ?? [],
      trustedOperations: trustedOperationGate(trustedOperations, logger),
    }),
    publicTraceContext: 'drop',
    onStop: async () => {
      readiness.stop();
      await apollo.stop();
      pool.close();
    },
  });
  let metrics: MetricsHandle | undefined;
  try {
    if (config.metrics && options.serveMetrics !== false) metrics = await serveMetrics(registry, config.metrics, logger);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    ...server,
    metrics: registry,
    ...(metrics ? { metricsUrl: metrics.url } : {}),
    stop: async () => {
      await metrics?.stop();
      await server.stop();
    },
  };
}
