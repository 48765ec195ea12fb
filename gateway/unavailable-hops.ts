import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, GatewayHint } from '../platform/errors';

type Answer = { errors?: readonly GraphQLFormattedError[] };

/** A subgraph's answer that says one of its parts was unavailable (its database busy, say). */
export const saysUnavailable = (answer: { errors?: readonly unknown[] | null }): boolean =>
  (answer.errors ?? []).some(
    (error) => (error as GraphQLFormattedError | null)?.extensions?.code === ErrorCode.ServiceUnavailable,
  );

export const ACCESS_DATA_UNAVAILABLE_MESSAGE =
  "The practice's access status could not be fetched just now, so no entries are shown: try again shortly";

/**
 * Records refuses the patient view when it is sent no access data (ACCESS_DATA_NOT_FETCHED), and
 * cannot tell why. The gateway can: when an earlier call of the same request was unavailable (a
 * timeout, an open circuit, rollout's database busy), that refusal is the same wait and becomes
 * SERVICE_UNAVAILABLE; otherwise (rollout answered something unusable) it stays the fault it is.
 */
export function withUnavailableHops<T extends Answer>(answer: T, earlierHopUnavailable: boolean): T {
  if (
    !earlierHopUnavailable ||
    !answer.errors?.some((error) => error.extensions?.gatewayHint === GatewayHint.AccessDataNotFetched)
  )
    return answer;
  return {
    ...answer,
    errors: answer.errors.map((error) =>
      error.extensions?.gatewayHint === GatewayHint.AccessDataNotFetched
        ? {
            ...error,
            message: ACCESS_DATA_UNAVAILABLE_MESSAGE,
            extensions: { ...error.extensions, code: ErrorCode.ServiceUnavailable },
          }
        : error,
    ),
  };
}
