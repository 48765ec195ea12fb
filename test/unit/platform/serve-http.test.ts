import { serveHttp, type ServiceHandle } from '../../../platform/http';
import { silentLogger } from '../../../platform/logger';

/**
 * The shared HTTP shell's last resort: a handler that fails unexpectedly is answered 500
 * INTERNAL_SERVER_ERROR, with the request id when the handler gave one (the gateway does).
 */
describe('an unexpected failure in a handler', () => {
  let service: ServiceHandle;

  beforeAll(async () => {
    service = await serveHttp({
      name: 'test',
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger(),
      readiness: () => Promise.resolve({ ready: true }),
      graphql: (req, res) => {
        if (req.headers['x-give-id']) res.setHeader('x-request-id', 'the-request-id');
        throw new Error('a bug, with SQL: SELECT 1');
      },
      onStop: () => Promise.resolve(),
    });
  });
  afterAll(() => service.stop());

  it('is answered 500 with the id the handler gave, and nothing of the failure', async () => {
    const response = await fetch(service.url, { method: 'POST', headers: { 'x-give-id': '1' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('the-request-id');
    expect(await response.json()).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'the-request-id' } }],
    });
  });

  it('is answered 500 without an id when the handler gave none (the subgraphs)', async () => {
    const response = await fetch(service.url, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });
});
