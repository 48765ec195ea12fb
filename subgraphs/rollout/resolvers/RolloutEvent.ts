import type { RolloutEventResolvers } from '../generated/graphql';

export const RolloutEvent: RolloutEventResolvers = {
  actorRole: (event) => event.actor.role,
  actor: (event) => event.actor.id,
};
