import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { CallTimeout, createConnectionPool } from '../../../gateway/connection-pool';
import { SubgraphUnavailable } from '../../../gateway/signed-fetcher';
import { isSubgraphUnavailable } from '../../../gateway/subgraph-unavailable';

/**
 * Which failed subgraph calls the client is told to retry (SERVICE_UNAVAILABLE), each made for
 * real through the gateway's own connection pool where it can be, wrapped as Apollo wraps them.
 */
const wrapped = (error: Error) => new GraphQLError(error.message, { originalError: error });
const answered = (status: number) =>
  new GraphQLError(`${status}: fault`, { extensions: { response: { status, url: 'http://x', body: 'fault' } } });

async function rejection(work: () => Promise<unknown>): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('a subgraph call that got no usable answer', () => {
  let server: Server;
  let url: string;
  const held: ServerResponse[] = [];
  const pool = createConnectionPool();

  beforeAll(async () => {
    // Never answers: holds every request until the test ends.
    server = createServer((_req, res) => void held.push(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('timed out, at its deadline: try again', async () => {
    const error = await rejection(() => pool.fetch(url, { method: 'POST', headers: {}, body: '{}' }, 50));
    expect(error).toBeInstanceOf(CallTimeout);
    expect(isSubgraphUnavailable(wrapped(error))).toBe(true);
  });

  it('refused (nothing listens): try again', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(() =>
      pool.fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: {}, body: '{}' }, 1000),
    );
    expect(isSubgraphUnavailable(wrapped(error))).toBe(true);
  });

  it('behind an open circuit, or answered 502, 503 or 504: try again', () => {
    expect(isSubgraphUnavailable(wrapped(new SubgraphUnavailable('circuit open')))).toBe(true);
    for (const status of [502, 503, 504]) expect(isSubgraphUnavailable(answered(status))).toBe(true);
  });

  it('a 500, an answer that is not GraphQL, or any other error: a fault', () => {
    expect(isSubgraphUnavailable(answered(500))).toBe(false);
    expect(isSubgraphUnavailable(answered(400))).toBe(false);
    expect(isSubgraphUnavailable(wrapped(new Error('Expected JSON response body, but received: <html>')))).toBe(false);
    expect(isSubgraphUnavailable(new GraphQLError('Internal server error'))).toBe(false);
    expect(isSubgraphUnavailable('a string')).toBe(false);
  });
});
