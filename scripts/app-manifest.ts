import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestOf } from '../platform/trusted-operations';

// `npm run manifest:app`: writes the approved app's manifest (Apollo's persisted-query manifest
// format) from schema/operations/app/*.graphql; with --check, fails if the committed one is stale.
const DIR = join(__dirname, '..', 'schema', 'operations', 'app');
const PATH = join(DIR, 'persisted-query-manifest.json');
try {
  const sources = readdirSync(DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(join(DIR, file), 'utf8'));
  const manifest = `${JSON.stringify(manifestOf(sources), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (readFileSync(PATH, 'utf8') !== manifest) {
      console.error('schema/operations/app/persisted-query-manifest.json is stale: run npm run manifest:app');
      process.exitCode = 1;
    } else console.log('The app manifest is up to date.');
  } else {
    writeFileSync(PATH, manifest);
    console.log(`Wrote ${PATH}`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
