import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { loadGatewayWorkers } from '../../../gateway/config';
import { CallTimeout, createConnectionPool, type ConnectionPool } from '../../../gateway/connection-pool';
import { isQuery } from '../../../gateway/signed-fetcher';

describe('the pool of connections to subgraphs', () => {
  let server: Server;
  let url: string;
  let connections = 0;
  let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  let pool: ConnectionPool;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => handle(req, res, body));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  beforeEach(() => {
    connections = 0;
    pool = createConnectionPool();
  });
  afterEach(() => pool.close());
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const init = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body });

  it('sends the method, headers and exact body, and gives back status, headers and body', async () => {
    handle = (req, res, body) => {
      res.writeHead(201, {
        'content-type': 'application/json',
        'x-seen': `${req.method} ${String(req.headers['x-test'])} ${body}`,
      });
      res.end('{"data":{"ok":true}}');
    };
    const response = await pool.fetch(url, init('{"query":"{ ok }"}'), 1000);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('X-Seen')).toBe('POST yes {"query":"{ ok }"}');
    expect(await response.clone().json()).toEqual({ data: { ok: true } });
    expect(await response.text()).toBe('{"data":{"ok":true}}');
    await expect(response.text()).rejects.toThrow(TypeError); // a body is read once, as fetch's is
  });

  it('keeps connections alive: calls one after another share one connection', async () => {
    handle = (_req, res) => res.end('{}');
    for (let i = 0; i < 5; i += 1) await (await pool.fetch(url, init('{}'), 1000)).text();
    expect(connections).toBe(1);
  });

  it('cuts a call at its deadline, even once the answer has begun', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":'); // and never the rest
    };
    const started = performance.now();
    await expect(pool.fetch(url, init('{}'), 200)).rejects.toBeInstanceOf(CallTimeout);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('fails a call whose connection is cut in the middle of the answer', async () => {
    handle = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":');
      setTimeout(() => req.socket.destroy(), 20);
    };
    await expect(pool.fetch(url, init('{}'), 1000)).rejects.toThrow();
  });

  it('fails a call to a port where nothing listens', async () => {
    await expect(pool.fetch('http://127.0.0.1:9/graphql', init('{}'), 1000)).rejects.toThrow();
  });
});

describe('which subgraph calls may be sent again', () => {
  it.each([
    [
      '{"query":"query($representations:[_Any!]!){_entities(representations:$representations){__typename}}","variables":{}}',
      true,
    ],
    ['{"query":"query Op__records__0{me{nhsNumber}}"}', true],
    ['{"query":"{me{nhsNumber}}","variables":{}}', true],
    ['{"query":"mutation{addRecordEntry(input:{}){id}}"}', false],
    ['{"query":"mutation Op__records__0($x:String){a}"}', false],
    ['{"query":"subscription{a}"}', false],
    // Any shape the gateway does not send is not retried: the safe side.
    ['{"query":" query{a}"}', false],
    ['{"variables":{},"query":"query{a}"}', false],
    ['{"query":"queryX{a}"}', false],
    ['not json', false],
  ])('%s: %s', (body, retryable) => {
    expect(isQuery(body)).toBe(retryable);
  });
});

describe('GATEWAY_WORKERS', () => {
  it.each([
    [undefined, 1],
    ['1', 1],
    ['3', 3],
    ['auto', availableParallelism()],
  ])('%s gives %d gateway processes', (value, workers) => {
    expect(loadGatewayWorkers(value === undefined ? {} : { GATEWAY_WORKERS: value })).toBe(workers);
  });

  it.each(['0', '-1', '1.5', '65', 'many'])('%s is refused, naming the variable', (value) => {
    expect(() => loadGatewayWorkers({ GATEWAY_WORKERS: value })).toThrow(/GATEWAY_WORKERS/);
  });
});
