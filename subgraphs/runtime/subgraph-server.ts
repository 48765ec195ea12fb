import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import { knownOperationNames } from '../../platform/known-operations';
import { operationMetricsPlugin } from '../../platform/operation-metrics';
import { clockMetrics } from './clock-metrics';
import type { Clock } from '../../platform/clock';
import { clockGuard } from './clock-guard';
import { isDatabaseUnavailable } from './database-unavailable';
import { ErrorCode, maskError } from '../../platform/errors';
import {
  BodyTooLargeError,
  errorBody,
  headerMapOf,
  headerValue as header,
  readBody,
  sendGraphQLResponse,
  sendJson,
  serveHttp,
  type ServiceHandle,
} from '../../platform/http';
import type { Logger } from '../../platform/logger';
import { hashWithCryptoLoadedOnce } from '../../patches/apollo-createhash-once';
import type { RequestContext } from './request-context';
import {
  BODY_DIGEST_HEADER,
  bodyMatches,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyHeaders,
  VIEWER_HEADER,
} from '../../platform/request-signature';
import { ReplayGuard } from './replay-guard';
import { nulInputPlugin } from '../../platform/nul-input';
import { requestLogPlugin } from '../../platform/request-log';
import { loggableError } from '../../platform/safe-log';
import { decodeViewer, type Viewer } from '../../platform/viewer';

export interface SubgraphServerOptions<C extends RequestContext> {
  name: string;
  /** Where its request and clock figures are kept (served on its metrics port, start-subgraph.ts). */
  metrics: Registry;
  schema: GraphQLSchema;
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  /** Adds this subgraph's loaders and repositories to the per-request base. */
  contextFor(base: RequestContext): C;
  /** Whether the subgraph's database answers, for /readyz. */
  isReady(): Promise<boolean>;
  /** Default SUBGRAPH_MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /** How far this clock may be from the gateway's before the service fails closed (clock-skew.ts). */
  maxClockSkewMs?: number;
}

/**
 * Representations for big `_entities` batches make the gateway's bodies larger than a client's
 * (1 MB): four times that, and only read once the signature in the headers has been checked.
 */
export const SUBGRAPH_MAX_BODY_BYTES = 4 * 1024 * 1024;
const GRAPHQL_PATH = '/graphql';

/**
 * The viewers of signed requests, by their exact header: the gateway sends the same header for
 * every request of a client, so each is parsed and checked (zod) once. Only a header whose
 * signature has been verified is looked up or added; at most `max` are kept (oldest out first),
 * and each viewer is frozen, since it now serves many requests.
 */
function viewerMemo(max = 10_000): (header: string) => Viewer | null {
  const viewers = new Map<string, Viewer>();
  return (header) => {
    const known = viewers.get(header);
    if (known) return known;
    const viewer = decodeViewer(header);
    if (!viewer) return null;
    if (viewers.size >= max) viewers.delete(viewers.keys().next().value!);
    viewers.set(
      header,
      Object.freeze(viewer.role === 'app' ? { ...viewer, scopes: Object.freeze([...viewer.scopes]) as string[] } : viewer),
    );
    return viewers.get(header)!;
  };
}

/**
 * Builds and starts one subgraph over HTTP. Every GraphQL request must carry the gateway's
 * signature, for this subgraph and path: without a valid one, or with one already used, it is
 * refused with 401 before its body is read; with one whose timestamp is too far from this clock,
 * with 503 (clock-guard.ts); a body over the cap, 413; a body other than the one signed, 401.
 */
export async function startSubgraphServer<C extends RequestContext>(
  options: SubgraphServerOptions<C>,
  where: { host: string; port: number },
): Promise<ServiceHandle> {
  const { logger, clock } = options;
  hashWithCryptoLoadedOnce();
  const apollo = new ApolloServer<C>({
    schema: options.schema,
    introspection: true,
    csrfPrevention: true,
    // We stop gracefully on SIGTERM/SIGINT ourselves (main-loop.ts, start-all.ts); Apollo's own
    // handlers would race ours and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // A busy or unreachable database is SERVICE_UNAVAILABLE, logged as a warning: load, not a bug.
    formatError: (formatted, error) =>
      maskError(formatted, error, (original) => logger.error({ err: loggableError(original) }, 'unexpected error'), {
        unavailable: isDatabaseUnavailable,
        onUnavailable: (original) => logger.warn({ err: loggableError(original) }, 'database unavailable: try again answered'),
      }),
    // No cache hints: nothing in our schemas sets one, and the per-field hook cost every request
    // (bench/results/gateway-profile.md). Every answer says `cache-control: no-store` itself, as it did.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      // What this subgraph stores is checked here too, not only at the gateway.
      nulInputPlugin<C>(),
      requestLogPlugin<C>(logger, (context) => ({ requestId: context.requestId })),
      operationMetricsPlugin<C>(options.metrics, knownOperationNames()),
    ],
  });
  await apollo.start();
  const viewerOf = viewerMemo();
  const replays = new ReplayGuard();
  const clockCheck = clockGuard({
    name: options.name,
    limitMs: options.maxClockSkewMs,
    signingSecret: options.signingSecret,
    clock,
    logger,
    replays,
  });
  const clockFigures = clockMetrics(options.metrics, clockCheck);
  const maxBodyBytes = options.maxBodyBytes ?? SUBGRAPH_MAX_BODY_BYTES;
  const refuse = (res: ServerResponse, reason: string) => {
    logger.warn({ reason }, 'refused unsigned request');
    // Closed after the answer: the body of a refused request is never read.
    sendJson(res, 401, errorBody(ErrorCode.Unauthenticated, 'Requests are accepted from the gateway only'), {
      connection: 'close',
    });
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse) => {
    // Everything signed is in the headers: a request that is not the gateway's is refused before its body is read.
    const viewerHeader = header(req, VIEWER_HEADER);
    const verification = verifyHeaders(
      options.signingSecret,
      { audience: options.name, path: GRAPHQL_PATH },
      {
        timestamp: header(req, TIMESTAMP_HEADER),
        nonce: header(req, NONCE_HEADER),
        viewer: viewerHeader,
        digest: header(req, BODY_DIGEST_HEADER),
        signature: header(req, SIGNATURE_HEADER),
      },
      clock.now(),
    );
    if (!verification.ok) return refuse(res, verification.reason);
    const viewer = viewerHeader ? viewerOf(viewerHeader) : null;
    if (!viewer) return refuse(res, 'bad viewer');
    // Authentic, but is its timestamp near enough? A stale capture is refused here.
    const refusal = clockCheck.admit(viewer, verification.skewMs);
    if (refusal) {
      clockFigures.refused();
      return sendJson(res, refusal.status, refusal.body, { connection: 'close' });
    }
    const now = clock.now().getTime();
    if (!replays.firstUse(verification.signature, now - verification.skewMs, now)) return refuse(res, 'replayed request');
    let body: string;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return sendJson(res, 413, errorBody(ErrorCode.BadUserInput, 'Request body too large'), { connection: 'close' });
      throw error;
    }
    if (!bodyMatches(verification.digest, body)) return refuse(res, 'body does not match its signature');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return sendJson(res, 400, errorBody(ErrorCode.BadUserInput, 'Body is not JSON'));
    }
    const requestId = header(req, 'x-request-id')?.slice(0, 100) ?? randomUUID();
    const base: RequestContext = { viewer, requestId, now: clock.now(), clock, logger: logger.child({ requestId }) };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: headerMapOf(req), search: '', body: parsed },
      context: async () => options.contextFor(base),
    });
    response.headers.set('cache-control', 'no-store');
    await sendGraphQLResponse(res, response);
  };

  return serveHttp({
    name: options.name,
    host: where.host,
    port: where.port,
    logger,
    readiness: async (req) => {
      const clockStatus = clockCheck.readiness(req);
      const database = await options.isReady();
      return { ready: database && clockStatus.ok, database, clock: clockStatus };
    },
    graphql: (req, res) =>
      req.method === 'POST'
        ? handleGraphQL(req, res)
        : sendJson(res, 405, errorBody(ErrorCode.BadUserInput, 'Use POST'), { allow: 'POST' }),
    metrics: options.metrics,
    onStop: () => apollo.stop(),
  });
}
