import { availableAt } from '../domain/visibility';
import type { RecordEntryResolvers } from '../generated/graphql';

export const RecordEntry: RecordEntryResolvers = {
  availableAt: (entry) => availableAt(entry),
};
