import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { systemClock, type Clock } from '../platform/clock';
import { ErrorCode, unauthenticated } from '../platform/errors';
import { BodyTooLargeError, errorBody, headerMapOf, readBody, sendGraphQLResponse, sendJson, serveHttp } from '../platform/http';
import { createLogger, type Logger } from '../platform/logger';
import { requestLogPlugin } from '../platform/request-log';
import { loggableError } from '../platform/safe-log';
import type { ServiceHandle } from '../platform/http';
import { appOperationsPlugin } from './app-operations';
import type { GatewayConfig } from './config';
import { createConnectionPool } from './connection-pool';
import { maskGatewayError } from './error-masking';
import type { GatewayContext } from './gateway-context';
import { createTokenVerifier } from './identity';
import { operationCostPlugin } from './operation-cost';
import { aliasShadowingRule } from './alias-shadowing';
import { operationChoicePlugin } from './operation-choice';
import { subgraphsReady } from './readiness';
import { LIMITED_PARSING, requestLimitRules } from './request-limits';
import { fieldSuggestions, introspectionPlugin } from './schema-discovery';
import { valueCompletionPlugin } from './value-completion';
import { DEFAULT_CALL_POLICY } from './signed-fetcher';
import { SubgraphDataSource } from './subgraph-data-source';

/** A NUL character, raw or as a JSON or GraphQL \\u escape. */
// eslint-disable-next-line no-control-regex -- the NUL character is exactly what this looks for
const HOLDS_NUL = /\u0000|\\u0000/i;

export interface GatewayOptions {
  clock?: Clock;
  logger?: Logger;
}

/**
 * The public endpoint. It serves the checked-in composed supergraph (it never introspects
 * subgraphs, so one that is down at start-up does not stop it), verifies the bearer token,
 * and forwards the verified identity to the subgraphs on signed requests.
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<ServiceHandle> {
  // Patient-facing traffic must never report to Apollo: set before the gateway is built.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  const verifyToken = await createTokenVerifier(config.jwt);
  const urls: Record<string, string> = config.subgraphUrls;
  const pool = createConnectionPool();

  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name }) => {
      const url = urls[name];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SubgraphDataSource(
        url,
        config.signingSecret,
        clock,
        {
          timeoutMs: config.subgraphTimeoutMs,
          ...(config.subgraphCalls ?? DEFAULT_CALL_POLICY),
        },
        pool,
      );
    },
    logger: logger.child({ component: 'apollo-gateway' }),
  });

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
      maskGatewayError(formatted, error, (original) => logger.error({ err: loggableError(original) }, 'masked error'), {
        keepSuggestions: suggestions.shown(error),
      }),
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      appOperationsPlugin(),
      operationChoicePlugin(),
      introspectionPlugin(),
      operationCostPlugin(),
      suggestions.plugin,
      valueCompletionPlugin((paths) =>
        logger.error({ paths }, 'a subgraph left fields it was asked for empty, without an error'),
      ),
      requestLogPlugin<GatewayContext>(logger, (context) => ({
        requestId: context.requestId,
        role: context.viewer?.role ?? null,
      })),
    ],
  });
  await apollo.start();

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, search: string) => {
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, config.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          // Closed after the answer: the rest of an oversized body is not read, however long it is.
          return sendJson(res, 413, errorBody(ErrorCode.BadUserInput, 'Request body larger than 1 MB'), { connection: 'close' });
        }
        throw error;
      }
      // No text we store may hold NUL (PostgreSQL cannot, and nothing legitimate needs it): refused
      // whole, whether sent raw, JSON-escaped or as a GraphQL string escape. (Found by the fuzzer.)
      if (HOLDS_NUL.test(text)) {
        return sendJson(res, 400, errorBody(ErrorCode.BadUserInput, 'Text may not contain the NUL character (U+0000)'));
      }
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('application/json') || type.includes('+json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, errorBody(ErrorCode.BadUserInput, 'Body is not valid JSON'));
        }
      } else {
        body = text; // Apollo Server refuses it (CSRF prevention and content-type checks).
      }
    }
    if (/%00/.test(search) || HOLDS_NUL.test(search.replace(/%5c/gi, '\\'))) {
      return sendJson(res, 400, errorBody(ErrorCode.BadUserInput, 'Text may not contain the NUL character (U+0000)'));
    }
    const requestId = randomUUID();
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMapOf(req), search, body },
      context: async () => {
        const viewer = await verifyToken(req.headers.authorization);
        if (!viewer) throw unauthenticated();
        return { viewer, requestId };
      },
    });
    res.setHeader('x-request-id', requestId);
    await sendGraphQLResponse(res, response);
  };

  return serveHttp({
    name: 'gateway',
    host: config.host,
    port: config.port,
    logger,
    readiness: () => subgraphsReady(urls, { secret: config.signingSecret, clock }),
    graphql: handleGraphQL,
    onStop: async () => {
      await apollo.stop();
      pool.close();
    },
  });
}
