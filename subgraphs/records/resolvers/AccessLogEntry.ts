import type { AccessLogEntryResolvers } from '../generated/graphql';

export const AccessLogEntry: AccessLogEntryResolvers = {
  actor: (row) => row.actorId,
};
