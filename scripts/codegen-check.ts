import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen';

/** `npm run codegen:check`: fails when the checked-in resolver types or typed documents differ from the SDLs and operations. */
async function main() {
  const root = join(__dirname, '..');
  const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
  const stale = outputs.filter((output) => {
    try {
      return readFileSync(join(root, output.filename), 'utf8') !== output.content;
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`Stale generated files (run npm run codegen): ${stale.map((o) => o.filename).join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`Generated resolver types and typed documents are up to date (${outputs.length} files).`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
