import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type HTTPTransportOptions } from '@graphql-hive/gateway';
import { unifiedGraphHandler as rustPlanner } from '@graphql-hive/router-runtime';
import type { GatewayConfig } from '../../gateway/config';
import { createTokenVerifier } from '../../gateway/identity';
import { systemClock, type Clock } from '../../platform/clock';
import type { ServiceHandle } from '../../platform/http';
import { useSignedSubgraphRequests } from './signing-plugin';
import { useVerifiedViewer, viewerHeaderFor, type ViewerContext } from './viewer-plugin';

export interface HiveGatewayOptions {
  clock?: Clock;
  /** Mask unexpected errors (Hive's default, as ours). Off only to read an error's cause. */
  maskedErrors?: boolean;
  /** Hive's own log level; false for none. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | false;
  /**
   * Who plans each operation: `js`, Hive's own JavaScript planner (@graphql-tools/federation,
   * the default), or `rust`, the Hive Router's query planner (@graphql-hive/router-runtime).
   */
  planner?: HivePlanner;
}

export type HivePlanner = 'js' | 'rust';

/**
 * The same checked-in supergraph served by Hive Gateway over the same subgraphs, doing the
 * per-request work ours does: verify the JWT with our verifier, forward the same viewer header,
 * sign each subgraph request with our HMAC. Nothing reports anywhere (no `reporting`), no
 * landing page or GraphiQL, and no deduplication of subgraph calls (ours sends every call, and
 * each patient-view read must reach records to be written to the access log).
 */
export async function startHiveGateway(config: GatewayConfig, options: HiveGatewayOptions = {}): Promise<ServiceHandle> {
  const clock = options.clock ?? systemClock;
  const verifyToken = await createTokenVerifier(config.jwt);
  const transport = (location: string) => ({
    location,
    options: { deduplicateInflightRequests: false } satisfies HTTPTransportOptions,
  });
  const runtime = createGatewayRuntime<ViewerContext>({
    supergraph: readFileSync(config.supergraphPath, 'utf8'),
    ...(options.planner === 'rust' ? { unifiedGraphHandler: rustPlanner } : {}),
    transportEntries: {
      practices: transport(config.subgraphUrls.practices),
      rollout: transport(config.subgraphUrls.rollout),
      records: transport(config.subgraphUrls.records),
    },
    logging: options.logLevel ?? 'warn',
    landingPage: false,
    graphiql: false,
    maskedErrors: options.maskedErrors ?? true,
    // As Apollo Server's CSRF prevention: a non-preflighted request needs one of these headers.
    csrfPrevention: { requestHeaders: ['apollo-require-preflight', 'x-apollo-operation-name'] },
    upstreamTimeout: config.subgraphTimeoutMs,
    propagateHeaders: { fromClientToSubgraphs: ({ context }) => viewerHeaderFor(context) },
    // After Hive's own plugins, so the signature is computed over the request as it is sent.
    plugins: () => [useVerifiedViewer(verifyToken), useSignedSubgraphRequests(config.signingSecret, clock, config.subgraphUrls)],
  });
  const server = createServer((request, response) => void runtime(request, response));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}${runtime.graphqlEndpoint}`,
    port,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await runtime.dispose();
    },
  };
}
