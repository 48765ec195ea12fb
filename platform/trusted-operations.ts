import { createHash } from 'node:crypto';
import { GraphQLError, Kind, parse, print, visit, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { appMayRun } from './app-reads';
import { MANIFEST_FORMAT, type PersistedQueryManifest, type TrustedOperation } from './persisted-query-manifest';

/**
 * An approved app's trusted operations, in the manifest format Apollo's persisted-query
 * tooling writes (`@apollo/generate-persisted-query-manifest`): an app runs only these, by id.
 * Pure: records checks a list with this before storing it, the gateway checks an id's shape.
 */
export { MANIFEST_FORMAT, type PersistedQueryManifest, type TrustedOperation } from './persisted-query-manifest';

/** An operation as given to be registered: its type not yet checked. */
export type OperationCandidate = Omit<TrustedOperation, 'type'> & { type: string };

export const OPERATION_ID = /^[0-9a-f]{64}$/;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
/** Bounds on what one app may register: ample for an app's screens, small enough to keep a list cheap. */
export const MAX_TRUSTED_OPERATIONS = 100;
export const MAX_OPERATION_BODY_CHARS = 20_000;

export const operationId = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/** What is wrong with one operation, or null: one named query of `me` (the app rule), its id its body's hash. */
function problemWith(operation: OperationCandidate): string | null {
  if (!OPERATION_NAME.test(operation.name)) return 'its name must be a GraphQL name of at most 100 characters';
  if (operation.type !== 'query') return 'an app may register queries only';
  if (operation.body.length > MAX_OPERATION_BODY_CHARS) return `its body is longer than ${MAX_OPERATION_BODY_CHARS} characters`;
  let document;
  try {
    document = parse(operation.body);
  } catch (error) {
    if (error instanceof GraphQLError) return 'its body is not a GraphQL document';
    throw error;
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const [only] = operations;
  if (operations.length !== 1 || !only) return 'its body must hold exactly one operation';
  if (only.name?.value !== operation.name) return 'its body must be one operation named as the operation is';
  if (!appMayRun(document, only)) return 'an app may register only queries of `me` (the patient view)';
  if (operationId(operation.body) !== operation.id) return 'its id must be the SHA-256 (lowercase hex) of its body';
  return null;
}

/**
 * Null when every operation may be an app's (see problemWith), with unique ids and names and no
 * more than MAX_TRUSTED_OPERATIONS; otherwise what is wrong, naming the operation by position.
 * An empty list is allowed: the app then runs nothing.
 */
export function checkTrustedOperations(operations: readonly OperationCandidate[]): string | null {
  if (operations.length > MAX_TRUSTED_OPERATIONS) return `An app may register at most ${MAX_TRUSTED_OPERATIONS} operations`;
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [index, operation] of operations.entries()) {
    const problem = problemWith(operation);
    if (problem) return `operations[${index}]: ${problem}`;
    if (ids.has(operation.id)) return `operations[${index}]: its id is registered twice`;
    if (names.has(operation.name)) return `operations[${index}]: its name is registered twice`;
    ids.add(operation.id);
    names.add(operation.name);
  }
  return null;
}

/**
 * `__typename` added to every selection set but the operation's root, as Apollo Client's cache
 * adds it before sending (and Apollo's manifest generator before hashing): the registered body
 * is then the very document the app's client sends, and its answers normalise in that cache.
 */
export function withTypenames(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet(node, _key, parent) {
      const isRoot = !!parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION;
      const hasTypename = node.selections.some(
        (selection) => selection.kind === Kind.FIELD && selection.name.value === '__typename' && !selection.alias,
      );
      if (isRoot || hasTypename) return undefined;
      return {
        ...node,
        selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }],
      };
    },
  });
}

/**
 * The manifest entry of one operation's source (a .graphql file): its body is the document as
 * graphql-js prints it with `__typename` added (withTypenames); comments and layout dropped, so
 * an edit to a comment keeps the id.
 */
export function manifestEntry(source: string): TrustedOperation {
  const document = parse(source);
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const [only] = operations;
  if (operations.length !== 1 || !only?.name) throw new Error('A trusted operation is exactly one named operation');
  const body = print(withTypenames(document));
  return { id: operationId(body), name: only.name.value, type: only.operation, body };
}

/** The manifest of these sources, its operations ordered by name (so it reads the same however files are listed). */
export function manifestOf(sources: readonly string[]): PersistedQueryManifest {
  const operations = sources.map(manifestEntry).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { format: MANIFEST_FORMAT, version: 1, operations };
}
