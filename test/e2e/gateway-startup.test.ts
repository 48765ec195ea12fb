import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '../../gateway/dev-keys';
import { devJwtConfig } from '../../gateway/identity/dev-issuers';
import { startGateway } from '../../gateway/server';
import { claimsFor } from '../../gateway/token-claims';
import { silentLogger } from '../../platform/logger';
import { postGraphQL } from '../helpers/supergraph';

describe('the gateway starts without its subgraphs', () => {
  it('serves the checked-in supergraph when every subgraph is down, says it is not ready, and masks the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-gw-'));
    const keysPath = join(dir, 'keys.json');
    const nowhere = 'http://127.0.0.1:9/graphql'; // the discard port: nothing listens
    const gateway = await startGateway(
      {
        host: '127.0.0.1',
        port: 0,
        supergraphPath: join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
        subgraphUrls: { practices: nowhere, rollout: nowhere, records: nowhere },
        signingSecret: 's'.repeat(40),
        subgraphTimeoutMs: 1000,
        maxBodyBytes: 1024 * 1024,
        jwt: devJwtConfig(keysPath),
        logLevel: 'silent',
      },
      { logger: silentLogger() },
    );
    try {
      const base = gateway.url.replace('/graphql', '');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ready: false, subgraphs: { practices: false, rollout: false, records: false } });
      const token = await signDevToken(keysPath, claimsFor({ role: 'analyst' }));
      const response = await postGraphQL(
        gateway.url,
        { authorization: `Bearer ${token}` },
        { query: '{ practices { totalCount } }' },
      );
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(response.retryAfter).toBe('1');
      expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|:9\/|ECONNREFUSED|practices|stack/i);
    } finally {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
