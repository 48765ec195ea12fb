import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Practice } from './Practice';
import { PracticePause } from './PracticePause';
import { Query } from './Query';
import { RolloutEvent } from './RolloutEvent';

export const resolvers: Resolvers = { Query, Mutation, Practice, RolloutEvent, PracticePause };
