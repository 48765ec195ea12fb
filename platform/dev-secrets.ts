import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Local development only: the gateway-to-subgraph signing secret, generated on first start
 * under the git-ignored data/ folder and shared by every locally started service. Never
 * committed; production passes SUBGRAPH_SIGNING_SECRET.
 */
export function devSigningSecret(dir: string): string {
  const file = join(dir, 'dev-signing-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another service started at the same moment wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
