import type { ObservableQuery } from '@apollo/client';
import {
  ClinicianPreviewDocument,
  type ClinicianPreviewQuery,
  type ClinicianPreviewQueryVariables,
} from '../../kit/generated/graphql';
import { element, fetchMoreOnClick, showAccess, showPaging, showProblem, signedInClient } from './page-parts';
import { day, entryKind } from './wording';

/** The clinician's preview: every entry of one patient, whether the patient sees it, and why not. */
const PAGE_SIZE = 10;
let watched: ObservableQuery<ClinicianPreviewQuery, ClinicianPreviewQueryVariables> | null = null;
let unsubscribe: (() => void) | null = null;

const client = signedInClient('example-web-clinician', () => {
  element('find-patient').hidden = false;
  element<HTMLInputElement>('nhs-number').focus();
});

element<HTMLFormElement>('find-patient').addEventListener('submit', (event) => {
  event.preventDefault();
  const nhsNumber = element<HTMLInputElement>('nhs-number').value.replace(/\s+/g, '');
  unsubscribe?.();
  element('record').hidden = true;
  element('access').hidden = true;
  showProblem(null, 'clinician');
  watched = client.watchQuery({ query: ClinicianPreviewDocument, variables: { nhsNumber, first: PAGE_SIZE } });
  const subscription = watched.subscribe((result) => {
    if (result.error) return showProblem(result.error, 'clinician');
    if (result.dataState === 'complete' && result.data.patient) render(result.data.patient);
  });
  unsubscribe = () => subscription.unsubscribe();
});

const cell = (text: string) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};

function render(patient: NonNullable<ClinicianPreviewQuery['patient']>): void {
  showProblem(null, 'clinician');
  showAccess(patient.onlineAccess, 'clinician');
  const { edges, totalCount, pageInfo } = patient.clinicalRecord;
  element('entries')
    .querySelector('tbody')!
    .replaceChildren(
      ...edges.map(({ node }) => {
        const row = document.createElement('tr');
        row.dataset.visible = String(node.visibleToPatient);
        const title = document.createElement('th');
        title.scope = 'row';
        title.textContent = node.title;
        row.append(
          title,
          cell(entryKind(node.type)),
          cell(node.availableAt ? day(node.availableAt) : 'Not filed yet'),
          cell(node.visibleToPatient ? 'Yes' : 'No'),
          cell(node.visibleToPatient ? '' : (node.hiddenReason ?? 'Not shown')),
        );
        return row;
      }),
    );
  showPaging(edges.length, totalCount, pageInfo);
}

fetchMoreOnClick(() => watched, 'clinician');
