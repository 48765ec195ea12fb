import { invalidInput } from '../../platform/errors';

/** Relay connections: opaque cursors, a bounded page size, lazy totalCount. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** A function, so the count query runs only when a client asks for totalCount. */
  totalCount: () => Promise<number> | number;
}

export function pageSize(first: number | null | undefined, max: number, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw invalidInput(`first must be between 1 and ${max}`, 'first');
  }
  return size;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor with the given shape; anything else is BAD_USER_INPUT. */
export function decodeCursor<const S extends readonly ('string' | 'number')[]>(
  cursor: string | null | undefined,
  shape: S,
): { [K in keyof S]: S[K] extends 'number' ? number : string } | null {
  if (cursor === null || cursor === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    parsed.every((part, i) => typeof part === shape[i] && (typeof part !== 'number' || Number.isFinite(part)));
  if (!valid) throw invalidInput('after is not a cursor from this list', 'after');
  return parsed as { [K in keyof S]: S[K] extends 'number' ? number : string };
}

/** Builds a connection from rows fetched with LIMIT first + 1. */
export function toConnection<Row, Node>(
  rows: readonly Row[],
  first: number,
  cursorOf: (row: Row) => string,
  nodeOf: (row: Row) => Node,
  totalCount: () => Promise<number> | number,
): Connection<Node> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
