import { availableAt } from '../domain/visibility';
import type { RecordEntryResolvers } from '../generated/graphql';

export const RecordEntry: RecordEntryResolvers = {
  availableAt: (entry) => availableAt(entry),
  title: (entry, _args, context) => context.textBudget.spend(entry.title),
  body: (entry, _args, context) => context.textBudget.spend(entry.body),
};
