import type { PracticePauseResolvers } from '../generated/graphql';

export const PracticePause: PracticePauseResolvers = {
  // The state machine never pauses without a reason; only a damaged row could lack one.
  reason: (pause) => pause.reason ?? 'No reason was recorded',
  actorRole: (pause) => pause.by.role,
  actor: (pause) => pause.by.id,
};
