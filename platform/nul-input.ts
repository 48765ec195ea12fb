import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, visit, type ASTNode, type DocumentNode, type ValueNode } from 'graphql';
import { DomainError, ErrorCode } from './errors';

/**
 * No text we store may hold NUL (PostgreSQL cannot, and nothing legitimate needs it). A filter on
 * the request text misses GraphQL's escapes (`\u{0}`, `\u{00000}`), so this checks the values as
 * parsed: every string literal in the document and every string in the variables, at any depth.
 */

const NUL = '\u0000';
/** Names we may repeat back in a path: GraphQL names and list indices, never a client's free text. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

const step = (path: string, name: string) => `${path}.${NAME.test(name) ? name : '?'}`;

function nulInLiteral(value: ValueNode, path: string): string | null {
  if (value.kind === Kind.STRING) return value.value.includes(NUL) ? path : null;
  if (value.kind === Kind.LIST) {
    for (const [index, item] of value.values.entries()) {
      const found = nulInLiteral(item, `${path}[${index}]`);
      if (found) return found;
    }
  }
  if (value.kind === Kind.OBJECT) {
    for (const field of value.fields) {
      const found = nulInLiteral(field.value, step(path, field.name.value));
      if (found) return found;
    }
  }
  return null;
}

function nulInVariable(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulInVariable(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes(NUL) ? path : nulInVariable(item, step(path, key));
      if (found) return found;
    }
  }
  return null;
}

/** Where a literal holds NUL: `field.argument.inputField[index]`, `@directive.argument` or `$variable` (a default). */
export function nulInDocument(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const owner = ancestors[ancestors.length - 1] as ASTNode | undefined;
      const prefix = owner?.kind === Kind.FIELD ? owner.name.value : owner?.kind === Kind.DIRECTIVE ? `@${owner.name.value}` : '';
      found ??= nulInLiteral(node.value, prefix ? `${prefix}.${node.name.value}` : node.name.value);
      return false;
    },
    VariableDefinition(node) {
      if (node.defaultValue) found ??= nulInLiteral(node.defaultValue, `$${node.variable.name.value}`);
      return false;
    },
  });
  return found;
}

/** Where a variable holds NUL: `$variable.inputField[index]`. */
export function nulInVariables(variables: Record<string, unknown> | undefined): string | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const found = nulInVariable(value, NAME.test(name) ? `$${name}` : '$?');
    if (found) return found;
  }
  return null;
}

/**
 * Refuses an operation whose parsed strings hold NUL, with BAD_USER_INPUT naming where (never
 * the value), before anything runs. The gateway and every subgraph use it: a subgraph does not
 * trust the gateway alone for what it stores.
 */
export function nulInputPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  // Parsed documents are cached and reused by Apollo, so each is walked once.
  const literals = new WeakMap<DocumentNode, string | null>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          let where = literals.get(document);
          if (where === undefined) {
            where = nulInDocument(document);
            literals.set(document, where);
          }
          where ??= nulInVariables(request.variables);
          if (where) {
            throw new DomainError(ErrorCode.BadUserInput, `Text may not contain the NUL character (U+0000): ${where}`, {
              field: where,
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}
