import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requireWrittenFor, type WrittenFor } from './version-guard';

export const WRITTEN_FOR: WrittenFor = { library: '@apollo/server', from: '5.5.0', below: '5.6.0' };
requireWrittenFor('apollo-createhash-once', WRITTEN_FOR);

/**
 * The copies of `@apollo/utils.createhash` our Apollo packages load (Apollo Server 5 its own, Apollo
 * Gateway the top-level one), and the versions of each this was written for.
 */
const COPIES: { loadedBy: string; from: string; below: string }[] = [
  { loadedBy: '@apollo/server', from: '3.0.0', below: '3.1.0' },
  { loadedBy: '@apollo/gateway', from: '2.0.0', below: '2.1.0' },
];

export type CreateHashModule = { createHash: (kind: string) => ReturnType<typeof createHash> };

/** The copy of `@apollo/utils.createhash` that `library` loads, and its version. */
export function copyLoadedBy(library: string): { module: CreateHashModule; version: string } {
  const requireFrom = createRequire(require.resolve(library));
  // Its entry is dist/index.js: the package's manifest is one folder up.
  const manifestPath = join(dirname(requireFrom.resolve('@apollo/utils.createhash')), '..', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; version?: string };
  if (manifest.name !== '@apollo/utils.createhash' || !manifest.version) {
    throw new Error(`Cannot find the version of the @apollo/utils.createhash that ${library} loads`);
  }
  return { module: requireFrom('@apollo/utils.createhash') as CreateHashModule, version: manifest.version };
}

/**
 * `@apollo/utils.createhash` calls `module.require("crypto")` on every hash, and Apollo Server
 * hashes every request's query text with it (its document-store key; Apollo Gateway's query-plan
 * key too). Under our module hooks (tsx) each such `require` walks the resolver: about 3% of a
 * subgraph's CPU and 2% of the gateway's. Node's `createHash`, loaded once, is what the library
 * hands back on Node, so the hashes, and the cache keys made of them, are the same.
 */
export function hashWithCryptoLoadedOnce(): void {
  for (const { loadedBy, from, below } of COPIES) {
    const { module, version } = copyLoadedBy(loadedBy);
    requireWrittenFor(
      `apollo-createhash-once (the copy ${loadedBy} loads)`,
      { library: '@apollo/utils.createhash', from, below },
      version,
    );
    module.createHash = nodeCreateHash;
  }
}

const nodeCreateHash = (kind: string) => createHash(kind);
