import type { ObservableQuery } from '@apollo/client';
import { PatientRecordDocument, type PatientRecordQuery, type PatientRecordQueryVariables } from '../../kit/generated/graphql';
import { element, fetchMoreOnClick, paragraph, showAccess, showPaging, showProblem, signedInClient } from './page-parts';
import { day, entryKind } from './wording';

/** The patient's page: what they see online and why, then their entries, a few at a time. */
// Small, so that even the demo's short records show paging; a real page would take 20.
const PAGE_SIZE = 3;
let watched: ObservableQuery<PatientRecordQuery, PatientRecordQueryVariables> | null = null;
let unsubscribe: (() => void) | null = null;

const client = signedInClient('example-web-patient', () => {
  unsubscribe?.();
  element('record').hidden = true;
  element('access').hidden = true;
  showProblem(null, 'patient');
  element('record-status').textContent = 'Loading your record…';
  watched = client.watchQuery({ query: PatientRecordDocument, variables: { first: PAGE_SIZE } });
  const subscription = watched.subscribe((result) => {
    if (result.error) return showProblem(result.error, 'patient');
    if (result.dataState === 'complete' && result.data.me) render(result.data.me);
  });
  unsubscribe = () => subscription.unsubscribe();
});

function render(me: NonNullable<PatientRecordQuery['me']>): void {
  showProblem(null, 'patient');
  showAccess(me.onlineAccess, 'patient');
  const { edges, totalCount, pageInfo } = me.record;
  element('entries').replaceChildren(
    ...edges.map(({ node }) => {
      const item = document.createElement('li');
      item.dataset.entryId = node.id;
      const title = document.createElement('h3');
      title.textContent = node.title;
      item.append(
        title,
        paragraph('meta', `${entryKind(node.type)}, added ${day(node.availableAt ?? node.recordedAt)}`),
        paragraph('body', node.body),
      );
      return item;
    }),
  );
  showPaging(edges.length, totalCount, pageInfo);
}

fetchMoreOnClick(() => watched, 'patient');
