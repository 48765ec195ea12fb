import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { DomainError, ErrorCode } from '../platform/errors';
import type { GatewayContext } from './gateway-context';

/**
 * A document whose operation to run cannot be told (several without an operationName, or a
 * name that is not there), or a subscription (the supergraph has none), is the client's
 * mistake: BAD_USER_INPUT with HTTP 400, said before the gateway plans anything. Left to the
 * gateway, these surface as its internal INVALID_GRAPHQL error and would be masked as a 500.
 */
export function operationChoicePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (!operation) {
            throw new DomainError(ErrorCode.BadUserInput, 'Name the one operation of the document to run (operationName)', {
              http: { status: 400 },
            });
          }
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            throw new DomainError(ErrorCode.BadUserInput, 'Subscriptions are not supported', { http: { status: 400 } });
          }
        },
      };
    },
  };
}
