import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { composeSupergraph, SUPERGRAPH_PATH } from '../../../schema/supergraph';

const root = join(__dirname, '..', '..', '..');

describe('generated files are up to date', () => {
  it('the checked-in supergraph is exactly what composing the subgraph SDLs gives (and composition reports no error)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });

  it('the checked-in resolver types and typed documents are exactly what GraphQL Code Generator gives', async () => {
    // The codegen CLI loads ES modules Jest cannot, so the check runs as its own process.
    const { stdout } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/codegen-check.ts'], {
      cwd: root,
    });
    expect(stdout).toContain('up to date');
  }, 60_000);
});
