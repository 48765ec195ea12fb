import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The versions of a library a patch was written and tested for: `from` included, `below` not. */
export interface WrittenFor {
  library: string;
  from: string;
  below: string;
}

const parts = (version: string): number[] => {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`Not a version: ${version}`);
  return match.slice(1).map(Number);
};

const compare = (a: string, b: string): number => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
};

/** The installed version of a library, from the package.json of the copy `require` would load. */
export function installedVersion(library: string): string {
  let dir = dirname(require.resolve(library));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === library && manifest.version) return manifest.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the installed version of ${library}`);
    dir = parent;
  }
}

/**
 * Throws unless the installed library is a version the patch was written for. Each patch calls
 * this when it is loaded, so an upgrade stops at start with this message rather than changing
 * behaviour silently: re-check the patch against the new version, then widen its range.
 */
export function requireWrittenFor(patch: string, written: WrittenFor, installed = installedVersion(written.library)): void {
  if (compare(installed, written.from) >= 0 && compare(installed, written.below) < 0) return;
  throw new Error(
    `Patch ${patch} was written for ${written.library} >=${written.from} <${written.below}, but ${installed} is installed: ` +
      `check the patch against this version (patches/README.md), then widen its range or remove it.`,
  );
}
