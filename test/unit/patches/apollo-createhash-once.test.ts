import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { copyLoadedBy, hashWithCryptoLoadedOnce } from '../../../patches/apollo-createhash-once';

const ROOT = join(__dirname, '..', '..', '..');

/** How many times `require` runs while the copy `library` loads hashes 100 query texts, in a fresh Node. */
function requiresPer100Hashes(library: string, patched: boolean): number {
  const script = `
    const Module = require('node:module');
    const { copyLoadedBy, hashWithCryptoLoadedOnce } = require('./patches/apollo-createhash-once.ts');
    if (${String(patched)}) hashWithCryptoLoadedOnce();
    const { module } = copyLoadedBy(${JSON.stringify(library)});
    module.createHash('sha256');
    const original = Module.prototype.require;
    let count = 0;
    Module.prototype.require = function (id) { count += 1; return original.call(this, id); };
    for (let i = 0; i < 100; i += 1) module.createHash('sha256').update('{ me { nhsNumber } }' + i).digest('hex');
    Module.prototype.require = original;
    process.stdout.write(String(count));
  `;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '--eval', script], { cwd: ROOT, encoding: 'utf8' }));
}

describe('Apollo hashes with crypto loaded once', () => {
  it.each(['@apollo/server', '@apollo/gateway'])(
    'the copy %s loads requires crypto on every hash, and not once patched',
    (library) => {
      expect(requiresPer100Hashes(library, false)).toBe(100);
      expect(requiresPer100Hashes(library, true)).toBe(0);
    },
    30_000,
  );

  it('gives the same hashes, so Apollo Server keys its document store as before', async () => {
    hashWithCryptoLoadedOnce();
    const query = '{ hello }';
    expect(copyLoadedBy('@apollo/server').module.createHash('sha256').update(query).digest('hex')).toBe(
      createHash('sha256').update(query).digest('hex'),
    );
    const hashes: (string | undefined)[] = [];
    const server = new ApolloServer({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: () => 'hi' } },
      plugins: [{ requestDidStart: async () => ({ didResolveSource: async ({ queryHash }) => void hashes.push(queryHash) }) }],
    });
    await server.start();
    try {
      const result = await server.executeOperation({ query });
      expect(result.body).toEqual({ kind: 'single', singleResult: { data: { hello: 'hi' } } });
    } finally {
      await server.stop();
    }
    expect(hashes).toEqual([createHash('sha256').update(query).digest('hex')]);
  });
});
