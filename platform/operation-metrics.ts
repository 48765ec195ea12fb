import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { answeredErrorCodes } from './answered-codes';
import { ErrorCode } from './errors';
import { errorCodeLabel, operationLabel } from './operation-label';

/** Seconds, from a cached page (milliseconds) to a subgraph call near its timeout. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The public codes: what a client can receive, so what a label may say (anything else is OTHER). */
const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * Each GraphQL operation a service runs, as figures: how many, how many failed (by the first
 * error's public code, as the client received it, so errors over requests is the share that
 * failed) and how long each took, per operation label (operation-label.ts). The gateway and
 * every subgraph use the same names; the scrape's `job` tells them apart.
 */
export function operationMetricsPlugin<C extends BaseContext>(
  registry: Registry,
  known: ReadonlySet<string>,
): ApolloServerPlugin<C> {
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations answered, by operation (a ready operation name, else "other")',
    labelNames: ['operation'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_request_errors_total',
    help: 'GraphQL operations answered with errors, by operation and the first error code',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from a GraphQL operation received to its answer, by operation',
    labelNames: ['operation'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    async requestDidStart() {
      const stopTimer = duration.startTimer();
      return {
        async willSendResponse(context) {
          const operation = operationLabel(context.operationName, known);
          stopTimer({ operation });
          requests.inc({ operation });
          // The code the client received (after masking), not the raw one: the figure and the answer agree.
          const codes = answeredErrorCodes(context);
          if (codes.length > 0) errors.inc({ operation, code: errorCodeLabel(codes[0] ?? ErrorCode.Internal, ERROR_CODES) });
        },
      };
    },
  };
}
