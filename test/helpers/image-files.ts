import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the image (Dockerfile) holds, read from the Dockerfile and .dockerignore, for the tests that
 * check the image without a Docker engine: the paths its runtime stage copies from the build
 * context, and the npm scripts (services and command-line tools) run from it.
 */
export const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The services' and the operators' tools' npm scripts that run from the image (docs/operations.md). */
export const IMAGE_SCRIPTS = [
  'start:gateway',
  'start:practices',
  'start:rollout',
  'start:records',
  'migrate',
  'import:practices',
  'import:schedule',
  'report',
  'token',
  'backup',
  'restore',
] as const;

export const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The TypeScript file an npm script runs (`tsx scripts/x.ts`, `node --import tsx gateway/main.ts`). */
export function entryOf(script: string): string {
  const entry = (packageJson.scripts[script] ?? '').split(/\s+/).find((word) => word.endsWith('.ts'));
  if (!entry) throw new Error(`npm script ${script} runs no .ts file`);
  return entry;
}

/** The sources of the runtime stage's COPY instructions from the build context (not `--from` a stage). */
export function copiedPaths(): string[] {
  const instructions = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const runtime = instructions.slice(instructions.findLastIndex((instruction) => /^FROM\s/i.test(instruction)));
  return runtime
    .filter((instruction) => /^COPY\s/i.test(instruction) && !/--from=/i.test(instruction))
    .flatMap((instruction) =>
      instruction
        .split(/\s+/)
        .slice(1)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1),
    )
    .map((path) => path.replace(/^\.\//, '').replace(/\/$/, ''));
}

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/^\/|\/$/g, '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '.*')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}(/.*)?$`,
  );

/** Whether .dockerignore keeps `path` (relative to the repository) out of the build context. */
export function ignoredByDocker(path: string): boolean {
  let ignored = false;
  for (const line of read('.dockerignore').split('\n')) {
    const pattern = line.trim();
    if (!pattern || pattern.startsWith('#')) continue;
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(path)) ignored = !negated;
  }
  return ignored;
}

/** Whether the image holds `path` (relative to the repository): copied, and not left out of the context. */
export function inImage(path: string, copied = copiedPaths()): boolean {
  return copied.some((source) => path === source || path.startsWith(`${source}/`)) && !ignoredByDocker(path);
}

/** A package's name from an import specifier: `pg`, `@apollo/server` (from `@apollo/server/standalone`). */
export const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
