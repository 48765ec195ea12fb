import { writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_PATH } from './supergraph';

// `npm run compose`: writes schema/supergraph.graphql, which the gateway serves as is.
try {
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  console.log(`Wrote ${SUPERGRAPH_PATH}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
