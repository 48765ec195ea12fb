import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Logger } from '../platform/logger';
import { nulInputPlugin } from '../platform/nul-input';
import { requestLogPlugin } from '../platform/request-log';
import { answerSizePlugin } from './answer-size';
import { appOperationsPlugin } from './app-operations';
import type { GatewayContext } from './gateway-context';
import { operationChoicePlugin } from './operation-choice';
import { operationCostPlugin } from './operation-cost';
import { retryAfterPlugin } from './retry-after';
import { introspectionPlugin } from './schema-discovery';
import { valueCompletionPlugin } from './value-completion';

/**
 * The gateway's request lifecycle, one concern per plugin, in the order they run: no reporting
 * to Apollo, Sandbox's landing page, approved apps' operations, the operation chosen, no NUL in
 * any string input, who may introspect, the cost limit (where analysts are then admitted by
 * cost, bulkheads.ts), field suggestions, Retry-After when rate limited, answers over their
 * bound, fields a subgraph left empty, the request log.
 */
export function gatewayPlugins(
  logger: Logger,
  suggestions: ApolloServerPlugin<GatewayContext>,
): ApolloServerPlugin<GatewayContext>[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    appOperationsPlugin(),
    operationChoicePlugin(),
    nulInputPlugin(),
    introspectionPlugin(),
    operationCostPlugin(),
    suggestions,
    retryAfterPlugin(),
    answerSizePlugin(logger),
    valueCompletionPlugin((paths) => logger.error({ paths }, 'a subgraph left fields it was asked for empty, without an error')),
    requestLogPlugin<GatewayContext>(logger, (context) => ({
      requestId: context.requestId,
      role: context.viewer?.role ?? null,
    })),
  ];
}
