import { analyticsQueries } from './Query';
import { changeMutations } from './change-mutations';
import type { Resolvers } from '../generated/graphql';
import { practiceResolvers } from './practice-resolvers';
import { waveMutations } from './wave-mutations';

/** The rollout subgraph's resolvers, one file per concern, each thin over the pure rules in domain/. */
export const resolvers: Resolvers = {
  ...practiceResolvers,
  Query: analyticsQueries,
  Mutation: { ...changeMutations, ...waveMutations },
};
