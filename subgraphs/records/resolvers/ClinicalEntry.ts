import { availableAt, describeReason } from '../domain/visibility';
import type { ClinicalEntryResolvers } from '../generated/graphql';

/** An entry as its clinicians see it: the entry, and whether (and why not) its patient sees it. */
export const ClinicalEntry: ClinicalEntryResolvers = {
  id: ({ entry }) => entry.id,
  type: ({ entry }) => entry.type,
  recordedAt: ({ entry }) => entry.recordedAt,
  filedAt: ({ entry }) => entry.filedAt,
  availableAt: ({ entry }) => availableAt(entry),
  title: ({ entry }, _args, context) => context.textBudget.spend(entry.title),
  body: ({ entry }, _args, context) => context.textBudget.spend(entry.body),
  hiddenFromPatient: ({ entry }) => entry.hiddenFromPatient,
  redactionReason: ({ entry }) => entry.hiddenReason,
  visibleToPatient: ({ visibility }) => visibility.visible,
  hiddenReason: ({ visibility }) => (visibility.reasons[0] ? describeReason(visibility.reasons[0]) : null),
  notVisibleBecause: ({ visibility }) => visibility.reasons,
};
