import { GraphQLError, getNamedType, isObjectType, isInterfaceType, type ValidationRule } from 'graphql';
import { ErrorCode } from '../platform/errors';

export const ALIAS_SHADOWING_REFUSAL = 'An alias may not be the name of another field of the same type';

/**
 * Refuses an alias that is the name of another field of the same type (`nhsNumber: record`).
 * @apollo/gateway merges a subgraph's answer by response name, so such an alias can overwrite
 * the entity key or a field another subgraph `@requires` (apollographql/federation#3036): the
 * answer breaks or, worse, one subgraph is handed another field's value as its input. The
 * fuzzer found it; no legitimate client needs such an alias, so it is refused outright.
 */
export const aliasShadowingRule: ValidationRule = (context) => ({
  Field(node) {
    const alias = node.alias?.value;
    if (alias === undefined || alias === node.name.value) return;
    const parent = context.getParentType();
    const type = parent ? getNamedType(parent) : null;
    if ((isObjectType(type) || isInterfaceType(type)) && alias in type.getFields()) {
      context.reportError(
        new GraphQLError(ALIAS_SHADOWING_REFUSAL, { nodes: [node], extensions: { code: ErrorCode.BadUserInput } }),
      );
    }
  },
});
