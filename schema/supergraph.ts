import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/** The three subgraphs, in the order the supergraph lists them. The URL is the local
 *  default; the gateway replaces it with the configured one for each subgraph by name. */
export const SUBGRAPHS = [
  { name: 'practices', url: 'http://localhost:4001/graphql' },
  { name: 'rollout', url: 'http://localhost:4002/graphql' },
  { name: 'records', url: 'http://localhost:4003/graphql' },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const SCHEMA_DIR = __dirname;
export const SUPERGRAPH_PATH = join(SCHEMA_DIR, 'supergraph.graphql');

export function subgraphSdl(name: SubgraphName): string {
  return readFileSync(join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
}

/** Composes the checked-in subgraph SDLs; throws with every composition error listed. */
export function composeSupergraph(): string {
  const result = composeServices(SUBGRAPHS.map(({ name, url }) => ({ name, url, typeDefs: parse(subgraphSdl(name)) })));
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}
