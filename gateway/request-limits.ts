import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getEnterLeaveForKind,
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type OperationDefinitionNode,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { rootFieldNames } from '../platform/root-fields';
import { introspectionOnly } from './schema-discovery';

/**
 * The request limits (docs/api.md, "Request limits"). Depth counts the fields on the longest
 * path, the leaf included (`{ me { nhsNumber } }` is 2), with fragments flattened; aliases,
 * directives and root fields are counted as written, `__typename` and introspection included.
 * The body (1 MB, config.ts) and batching (server.ts) are refused before GraphQL runs; cost
 * in operation-cost.ts, since it needs the variables.
 */
export const REQUEST_LIMITS = {
  depth: 10,
  /** Operations of only `__schema`/`__type`/`__typename`: graphql-js's full introspection query, as tools send it, is 15. */
  introspectionDepth: 20,
  aliases: 20,
  rootFields: 20,
  /** Not in the contract: 20 like the other counts; no operation of ours uses more than a few. */
  directives: 20,
  tokens: 3000,
  cost: 10_000,
} as const;

/** graphql-js counts tokens while it parses and stops at the limit: nothing larger is ever built. */
export const LIMITED_PARSING: ParseOptions = { maxTokens: REQUEST_LIMITS.tokens };

/** The refusal, in our words: which limit, what was found, nothing of the operation itself. */
function limitExceeded(what: string, limit: number, found?: number | string): GraphQLError {
  return new GraphQLError(`${what}${found === undefined ? '' : ` ${found}`} exceeds the limit of ${limit}`);
}

/**
 * graphql-js words its token limit as a syntax error ("Document contains more that 3000 tokens",
 * sic, in 16.x); the client is told which limit, as for the others.
 */
export function namingTheTokenLimit(message: string): string {
  return /^Syntax Error: Document contains more tha[nt] \d+ tokens\./.test(message)
    ? limitExceeded('Token count', REQUEST_LIMITS.tokens).message
    : message;
}

/**
 * graphql-armor's rules, configured to report (not throw: a throw escapes Apollo's validation
 * and answers 500) through the validation context, so Apollo answers 400 with every error. The
 * count comes from armor's own message ("..., found 12.").
 */
function reported(what: string, limit: number) {
  return {
    n: limit,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        // Always a validation context for these rules; without one, refuse loudly rather than pass.
        if (!context) throw error;
        context.reportError(limitExceeded(what, limit, /found (\d+)/.exec(error.message)?.[1]));
      },
    ],
  };
}

/** Applies an armor rule (which acts on entering an operation) only to the operations `applies` picks. */
function onlyFor(applies: (document: DocumentNode, operation: OperationDefinitionNode) => boolean, rule: ValidationRule) {
  return (context: ValidationContext): ASTVisitor => {
    const visitor = rule(context);
    const { enter } = getEnterLeaveForKind(visitor, Kind.OPERATION_DEFINITION);
    return {
      OperationDefinition(...args) {
        if (enter && applies(context.getDocument(), args[0])) return enter.apply(visitor, args) as unknown;
        return undefined;
      },
    };
  };
}

const dataOperation = (document: DocumentNode, operation: OperationDefinitionNode) => !introspectionOnly(document, operation);

/** More than 20 root fields: no armor rule for it. Counted as written (duplicates too), through fragments. */
function maxRootFieldsRule(limit: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const count = rootFieldNames(context.getDocument(), operation).length;
      if (count > limit) context.reportError(limitExceeded('Root field count', limit, count));
    },
  });
}

/**
 * The validation rules Apollo runs after graphql-js's own (which include its bound on
 * introspection lists, MaxIntrospectionDepthRule). `ignoreIntrospection: false` counts the
 * `__schema` subtree, which armor skips by default; introspection-only operations are held to
 * their own depth, and only the Sandbox roles may run them (schema-discovery.ts). armor's
 * alias allow-list (`__typename` by default) is emptied, so `a1: __typename ...` counts.
 */
export function requestLimitRules(): ValidationRule[] {
  const depth = (limit: number, what: string) =>
    maxDepthRule({ ...reported(what, limit), ignoreIntrospection: false, flattenFragments: true });
  return [
    onlyFor(dataOperation, depth(REQUEST_LIMITS.depth, 'Query depth')),
    onlyFor(introspectionOnly, depth(REQUEST_LIMITS.introspectionDepth, 'Introspection depth')),
    maxAliasesRule({ ...reported('Alias count', REQUEST_LIMITS.aliases), allowList: [] }),
    maxDirectivesRule(reported('Directive count', REQUEST_LIMITS.directives)),
    maxRootFieldsRule(REQUEST_LIMITS.rootFields),
  ];
}
