import type { Resolvers } from '../generated/graphql';
import { IntegratedCareBoard } from './IntegratedCareBoard';
import { Mutation } from './Mutation';
import { Practice } from './Practice';
import { Query } from './Query';

/** The practices subgraph's resolvers: one file per GraphQL type, thin over the store and its loaders. */
export const resolvers: Resolvers = { Query, Mutation, Practice, IntegratedCareBoard };
