/**
 * The database errors that mean "busy or briefly out of reach", not "wrong": a request that
 * meets one is answered SERVICE_UNAVAILABLE (try again shortly) instead of INTERNAL_SERVER_ERROR.
 * An explicit list: anything not on it stays a fault, so a bug is never told to retry.
 */

/** PostgreSQL SQLSTATEs: cancelled by statement_timeout, lock_timeout, too many connections, server shutting down or starting. */
const POSTGRES_STATES = new Set(['57014', '55P03', '53300', '57P01', '57P02', '57P03']);
/** SQLSTATE class 08: the connection failed or was lost. */
const POSTGRES_CONNECTION_CLASS = /^08/;
/** SQLite: another connection holds the lock beyond the busy timeout. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);
/** The server could not be reached, or the connection was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/**
 * node-postgres says these in words only: no free connection in the pool within the connect
 * timeout, a new connection not made within it, or the server closing the connection.
 */
const POOL_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
];

/**
 * The error and those it wraps: TypeORM's `driverError`, `cause`, GraphQL's `originalError`, and
 * GraphQL's `thrownValue` (what it wraps when the thrown value does not pass `instanceof Error`).
 */
function chain(error: unknown): Record<string, unknown>[] {
  const found = new Set<Record<string, unknown>>();
  let current: unknown = error;
  // Five links at most, each once: a cycle of causes cannot loop.
  while (typeof current === 'object' && current !== null && found.size < 5 && !found.has(current as Record<string, unknown>)) {
    const link = current as Record<string, unknown>;
    found.add(link);
    current = link.driverError ?? link.originalError ?? link.thrownValue ?? link.cause;
  }
  return [...found];
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return chain(error).some((link) => {
    const code = typeof link.code === 'string' ? link.code : '';
    const message = typeof link.message === 'string' ? link.message : '';
    return (
      POSTGRES_STATES.has(code) ||
      (POSTGRES_CONNECTION_CLASS.test(code) && code.length === 5) ||
      SQLITE_CODES.has(code) ||
      NETWORK_CODES.has(code) ||
      POOL_MESSAGES.includes(message)
    );
  });
}
