import type { TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * One cached object per practice (by ODS code) or ICB (by code) when the answer carries its key;
 * an answer that did not ask for the key (`icb { name }`) is kept inline under its parent.
 */
const keyedBy =
  (field: string) =>
  (object: Readonly<Record<string, unknown>>): string | false => {
    const key = object[field];
    return typeof key === 'string' ? `${String(object.__typename)}:${key}` : false;
  };

/**
 * How Apollo Client's cache stores our API, so that `fetchMore` with a page's `endCursor`
 * adds the next page to the list already shown instead of replacing it. Each connection is
 * one list per combination of its filter arguments (`keyArgs`): `record(types: [TEST_RESULT])`
 * never mixes with the unfiltered record, nor EMIS practices with TPP ones. `first` and
 * `after` are paging, not filters, so they are never key arguments.
 */
export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      practices: relayStylePagination(['icbCode', 'supplier', 'status']),
      pausedPractices: relayStylePagination(['icbCode', 'supplier']),
      patients: relayStylePagination(false),
      // A patient has no `id`: the signed-in patient (and each patient a clinician opens) is
      // kept under its root field, and a later answer adds its fields to the one kept.
      me: { merge: true },
      patient: { merge: true },
    },
  },
  Patient: {
    fields: {
      record: relayStylePagination(['types']),
      clinicalRecord: relayStylePagination(false),
      accessLog: relayStylePagination(false),
    },
  },
  IntegratedCareBoard: {
    keyFields: keyedBy('code'),
    fields: { practices: relayStylePagination(['supplier', 'status']) },
  },
  Practice: { keyFields: keyedBy('odsCode') },
  // The patient's and the clinician's views of one entry are different types with the same id.
  RecordEntry: { keyFields: ['id'] },
  ClinicalEntry: { keyFields: ['id'] },
};
