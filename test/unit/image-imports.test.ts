import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { entryOf, IMAGE_SCRIPTS, inImage, packageJson, packageOf, ROOT } from '../helpers/image-files';

/**
 * No Docker engine runs where the tests run, so the image's completeness is checked from its
 * recipe: for each service and command-line tool run from it, esbuild resolves the whole import
 * graph (packages left external, type-only imports dropped as at run time), and every file must be
 * one the Dockerfile copies (and .dockerignore keeps), every package a production dependency
 * (the image runs `npm ci --omit=dev`). test/e2e/image-tools.test.ts then runs the tools.
 */
async function importGraph(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    metafile: true,
    write: false,
    outdir: 'out',
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = Object.entries(result.metafile.inputs);
  const builtins = new Set(builtinModules);
  return {
    // esbuild's own helpers appear as <runtime>: not a file of ours.
    files: inputs.map(([file]) => file).filter((file) => !file.startsWith('<')),
    packages: [
      ...new Set(
        inputs
          .flatMap(([, input]) => input.imports)
          .filter((imported) => imported.external && !/^(node:|<)/.test(imported.path) && !builtins.has(imported.path))
          .map((imported) => packageOf(imported.path)),
      ),
    ].sort(),
  };
}

/** What the image lacks for `entry`: files it does not copy, packages it does not install. */
async function missingFor(entry: string) {
  const { files, packages } = await importGraph(entry);
  return {
    files: files.filter((file) => !inImage(file)),
    packages: packages.filter((name) => !(name in packageJson.dependencies)),
  };
}

describe('everything the image runs is in the image', () => {
  it.each(IMAGE_SCRIPTS)('npm run %s: every file it imports is copied, every package a production dependency', async (script) => {
    const entry = entryOf(script);
    const { files, packages } = await importGraph(entry);
    expect(files).toContain(entry);
    expect(packages.length).toBeGreaterThan(0);
    expect(await missingFor(entry)).toEqual({ files: [], packages: [] });
  });

  it('the check sees what is missing: a development script imports files and packages the image lacks', async () => {
    // scripts/compose.ts composes the supergraph with @apollo/composition, a devDependency, and is not copied.
    const missing = await missingFor('scripts/compose.ts');
    expect(missing.files).toContain('scripts/compose.ts');
    expect(missing.packages).toContain('@apollo/composition');
  });
});
