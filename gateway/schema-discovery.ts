import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { DomainError, ErrorCode } from '../platform/errors';
import type { Role } from '../platform/viewer';
import type { GatewayContext } from './gateway-context';
import { rootFieldNames } from '../platform/root-fields';

/**
 * Who may discover the schema: introspection and graphql-js's "Did you mean …?" are for the
 * roles that use Apollo Sandbox (the contract's "Request limits"). Everyone else gets neither,
 * so a hostile client cannot map the API from the outside.
 */
export const SANDBOX_ROLES: ReadonlySet<Role> = new Set<Role>(['analyst', 'nhse']);

export const INTROSPECTION_REFUSAL = 'Introspection is for the analyst and nhse roles only';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

const operationsOf = (document: DocumentNode) =>
  document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);

/** `__schema` or `__type` anywhere they can be written: at the root, through fragments, under any alias. */
export function introspects(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  return rootFieldNames(document, operation).some((name) => INTROSPECTION_FIELDS.has(name));
}

/**
 * Only `__schema`, `__type` and `__typename` at the root: nothing below them is data (the
 * introspection types lead nowhere else), and the gateway answers them from its schema.
 */
export function introspectionOnly(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  return rootFieldNames(document, operation).every((name) => name.startsWith('__'));
}

const maySee = (context: GatewayContext) => context.viewer !== null && SANDBOX_ROLES.has(context.viewer.role);

/**
 * Refuses `__schema` and `__type` to every role but the Sandbox roles, with FORBIDDEN and HTTP
 * 403 (as app-operations.ts refuses), after validation and before the query is planned. Every
 * operation of the document is checked, not only the one asked for, so no operation name can
 * steer around it.
 */
export function introspectionPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (maySee(contextValue)) return;
      return {
        async didResolveOperation({ document }) {
          if (operationsOf(document).some((operation) => introspects(document, operation))) {
            throw new DomainError(ErrorCode.Forbidden, INTROSPECTION_REFUSAL, { http: { status: 403 } });
          }
        },
      };
    },
  };
}

/**
 * Suggestions, fail-closed: the error formatter strips "Did you mean …?" from every message
 * unless this plugin has seen the error in a request of a Sandbox role. (The formatter cannot
 * see the viewer; `didEncounterErrors` sees both, and runs first.) One per gateway.
 */
export function fieldSuggestions(): { plugin: ApolloServerPlugin<GatewayContext>; shown(error: unknown): boolean } {
  const shown = new WeakSet<object>();
  return {
    plugin: {
      async requestDidStart({ contextValue }) {
        if (!maySee(contextValue)) return;
        return {
          async didEncounterErrors({ errors }) {
            for (const error of errors) shown.add(error);
          },
        };
      },
    },
    shown: (error) => typeof error === 'object' && error !== null && shown.has(error),
  };
}
