import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { checkSchema, describeUnrecorded, PUBLIC_API_PATH, publicApiSdl, recordedChanges } from '../schema/public-api';

// `npm run schema:baseline`: rewrites schema/public-api.graphql from the composed supergraph, but
// only when every change from the committed baseline that may break a client is recorded in
// schema/breaking-changes.json (decision 0062); otherwise it lists them and writes nothing.
async function main() {
  const current = publicApiSdl();
  if (existsSync(PUBLIC_API_PATH)) {
    const check = await checkSchema(readFileSync(PUBLIC_API_PATH, 'utf8'), current, recordedChanges());
    if (check.unrecorded.length) {
      console.error(describeUnrecorded(check.unrecorded));
      process.exitCode = 1;
      return;
    }
  }
  writeFileSync(PUBLIC_API_PATH, current);
  console.log(`Wrote ${PUBLIC_API_PATH}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
