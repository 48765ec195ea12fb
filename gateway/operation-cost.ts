import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  getVariableValues,
  isInterfaceType,
  isListType,
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
import { fieldWeight } from './operation-weights';
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
  const value = argumentValue(node, field, 'first', variables);
  // An invalid size (0, negative) is the subgraph's to refuse; it must not lower the cost of the rest.
  return typeof value === 'number' && value > 1 ? value : 1;
}

/** An argument's value as execution will see it: written, from a variable, or the schema's default. */
function argumentValue(node: FieldNode, field: GraphQLField<unknown, unknown>, name: string, variables: Variables): unknown {
  const argument = field.args.find((candidate) => candidate.name === name);
  if (!argument) return undefined;
  const written = node.arguments?.find((candidate) => candidate.name.value === name);
  return (written ? valueFromAST(written.value, argument.type, variables) : undefined) ?? argument.defaultValue;
}

/** The longest list among a field's arguments (a wave of N practices is N), else 0. */
function longestListArgument(node: FieldNode, field: GraphQLField<unknown, unknown>, variables: Variables): number {
  let longest = 0;
  for (const argument of field.args) {
    if (!isListType(getNullableType(argument.type))) continue;
    const value = argumentValue(node, field, argument.name, variables);
    if (Array.isArray(value)) longest = Math.max(longest, value.length);
  }
  return longest;
}

const operationCostError = (cost: number, limit: number) =>
  new DomainError(ErrorCode.BadUserInput, `Query cost ${cost} exceeds the limit of ${limit}`, { http: { status: 400 } });

/**
 * What an operation may cost: every field counts once for each time it may be resolved, and a
 * field that takes `first` may return that many items, so everything selected beneath it counts
 * that many times. Lists without `first` count what they can return given their arguments
 * (operation-weights.ts): a timeline its points, grouped figures their groups. A list argument
 * of N items makes its field count N (a wave is N practices' work). Text that may be large
 * (an entry's body) weighs by its size.
 *
 *   practices(first: 200) { edges { node { icb { practices(first: 200) { edges { node { odsCode } } } } } } }
 *   = 1 + 200 × (4 + 200 × 3) = 120,801
 *
 * Fields are counted as written (a field repeated 500 times counts 500 times), through fragments;
 * each named fragment is costed once per grouping it is spread under, so nested spreads cannot
 * make this walk explode.
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

  // `groups`: how many groups the nearest grouped-figures field above returns per point.
  const costOf = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, groups: number): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldDefinition(schema, parent, selection.name.value);
        if (!field) {
          cost += 1;
          continue;
        }
        const args = (name: string) => argumentValue(selection, field, name, variables);
        const weight = fieldWeight(parent.name, field.name, args, groups);
        cost += Math.max(weight.self, longestListArgument(selection, field, variables));
        if (selection.selectionSet) {
          const items = Math.max(pageSize(selection, field, variables), weight.items);
          cost += items * costOf(selection.selectionSet, getNamedType(field.type), weight.groups);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) cost += costOf(selection.selectionSet, type, groups);
      } else {
        cost += fragmentCost(selection.name.value, groups);
      }
    }
    return cost;
  };
  const fragmentCost = (name: string, groups: number): number => {
    const key = `${name}/${groups}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !type) return 0;
    fragmentCosts.set(key, 0); // A cycle (which validation refuses anyway) ends here.
    const cost = costOf(fragment.selectionSet, type, groups);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const root = schema.getRootType(operation.operation);
  return root ? costOf(operation.selectionSet, root, 1) : 0;
}

/**
 * An operation without variables costs the same each time it is asked of the same schema, and
 * Apollo Server's document store hands back the same parsed document for the same text: its cost
 * is kept on that parsed operation (weakly, so it goes when the store lets the document go) with
 * the schema it was costed against. One with variables is costed every time.
 */
function rememberedCosts(): typeof operationCost {
  const known = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; cost: number }>();
  return (schema, document, operation, variables) => {
    if (operation.variableDefinitions?.length) return operationCost(schema, document, operation, variables);
    const remembered = known.get(operation);
    if (remembered?.schema === schema) return remembered.cost;
    const cost = operationCost(schema, document, operation, variables);
    known.set(operation, { schema, cost });
    return cost;
  };
}

/**
 * Refuses an operation that costs more than the limit, with BAD_USER_INPUT and HTTP 400 like
 * the other limits, after validation and before the query is planned. A plugin rather than a
 * validation rule because `first` may come from a variable. Without a resolved operation
 * (an operation name that names none) every operation of the document is costed. An analyst's
 * operation within the limit is then admitted by its cost (`admitByCost`, bulkheads.ts).
 */
export function operationCostPlugin(limit: number = REQUEST_LIMITS.cost): ApolloServerPlugin<GatewayContext> {
  const costs = rememberedCosts();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          const operations = operation
            ? [operation]
            : document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
          const cost = Math.max(0, ...operations.map((each) => costs(schema, document, each, request.variables)));
          if (cost > limit) throw operationCostError(cost, limit);
          // Analysts wait here for their lane (bulkheads.ts): a refused operation takes no place in a
          // queue; nor one without a resolved operation, which nothing executes (operation-choice.ts).
          if (operation) await contextValue.admitByCost?.(cost);
        },
      };
    },
  };
}
