import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_PATH } from '../schema/supergraph';

// `npm run compose`: writes schema/supergraph.graphql, which the gateway serves as is.
// `npm run compose:check`: fails if the checked-in file is stale or composition fails.
try {
  const supergraph = composeSupergraph();
  if (process.argv.includes('--check')) {
    if (readFileSync(SUPERGRAPH_PATH, 'utf8') !== supergraph) {
      console.error('schema/supergraph.graphql is stale: run npm run compose');
      process.exitCode = 1;
    } else console.log('schema/supergraph.graphql is up to date.');
  } else {
    writeFileSync(SUPERGRAPH_PATH, supergraph);
    console.log(`Wrote ${SUPERGRAPH_PATH}`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
