import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DomainError, ErrorCode } from '../platform/errors';
import type { GatewayContext } from './gateway-context';
import { REQUEST_LIMITS } from './request-limits';

type Variables = Record<string, unknown>;

function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType() && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (parent === schema.getQueryType() && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** How many items a field may return: its `first` (written, from a variable, or the schema's default), else 1. */
function pageSize(node: FieldNode, field: GraphQLField<unknown, unknown>, variables: Variables): number {
  const argument = field.args.find((candidate) => candidate.name === 'first');
  if (!argument) return 1;
  const written = node.arguments?.find((candidate) => candidate.name.value === 'first');
  const value: unknown = (written ? valueFromAST(written.value, argument.type, variables) : undefined) ?? argument.defaultValue;
  // An invalid size (0, negative) is the subgraph's to refuse; it must not lower the cost of the rest.
  return typeof value === 'number' && value > 1 ? value : 1;
}

/**
 * What an operation may cost: every field counts once for each time it may be resolved, and a
 * field that takes `first` may return that many items, so everything selected beneath it counts
 * that many times. Lists without `first` count as one item: they are bounded by the data (42
 * ICBs) or by their own argument checks (a timeline of at most 1,000 points).
 *
 *   practices(first: 200) { edges { node { icb { practices(first: 200) { edges { node { odsCode } } } } } } }
 *   = 1 + 200 × (4 + 200 × 3) = 120,801
 *
 * Fields are counted as written (a field repeated 500 times counts 500 times), through fragments;
 * each named fragment is costed once and reused, so nested spreads cannot make this walk explode.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Variables = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Defaults applied and values coerced as execution will; variables that do not coerce are
  // refused by the gateway before any subgraph is called, so the schema's defaults stand in.
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables).coerced ?? {};
  const fragmentCosts = new Map<string, number>();

  const costOf = (selectionSet: SelectionSetNode, parent: GraphQLNamedType): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += 1;
        const field = fieldDefinition(schema, parent, selection.name.value);
        if (field && selection.selectionSet) {
          cost += pageSize(selection, field, variables) * costOf(selection.selectionSet, getNamedType(field.type));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) cost += costOf(selection.selectionSet, type);
      } else {
        cost += fragmentCost(selection.name.value);
      }
    }
    return cost;
  };
  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !type) return 0;
    fragmentCosts.set(name, 0); // A cycle (which validation refuses anyway) ends here.
    const cost = costOf(fragment.selectionSet, type);
    fragmentCosts.set(name, cost);
    return cost;
  };

  const root = schema.getRootType(operation.operation);
  return root ? costOf(operation.selectionSet, root) : 0;
}

/**
 * Refuses an operation that costs more than the limit, with BAD_USER_INPUT and HTTP 400 like
 * the other limits, after validation and before the query is planned. A plugin rather than a
 * validation rule because `first` may come from a variable. Without a resolved operation
 * (an operation name that names none) every operation of the document is costed.
 */
export function operationCostPlugin(limit: number = REQUEST_LIMITS.cost): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          const operations = operation
            ? [operation]
            : document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
          const cost = Math.max(0, ...operations.map((each) => operationCost(schema, document, each, request.variables)));
          if (cost > limit) {
            throw new DomainError(ErrorCode.BadUserInput, `Query cost ${cost} exceeds the limit of ${limit}`, {
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}
