import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario } from '../../test/helpers/scenario';
import type { TokenRequest } from '../../gateway/token-claims';

/**
 * The soak's traffic: every role's usual reads and writes through the gateway, and refusals
 * sent on purpose (each with the codes it is meant to get). The operations about one patient
 * take the patient of the request (soak.ts turns through a pool of them).
 */
export interface Operation {
  name: string;
  role: (patient: string) => TokenRequest;
  query: string;
  variables?: (patient: string) => Record<string, unknown>;
  /** Codes this operation is meant to get (refusals the test sends on purpose). */
  expected?: string[];
}

/** The demo patient every soak reads and writes first, and their practice, where the soak's other patients register. */
export const DEMO_SOAK_PATIENT = '9990001375';
export const SOAK_PRACTICE = 'B84010';
const PATIENT = DEMO_SOAK_PATIENT;
const PRACTICE = SOAK_PRACTICE;
let written = 0;
export const OPERATIONS: Operation[] = [
  {
    name: 'patient first page',
    role: (patient) => Scenario.patient(patient),
    query: '{ me { onlineAccess { state } record(first: 20) { totalCount edges { node { title availableAt } } } } }',
  },
  {
    // The demo app's ready operation (registered with the demo data), sent by id as its client does.
    name: 'app first page',
    role: (patient) => Scenario.app('demo-app', patient),
    query: readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'app', 'record-first-page.graphql'), 'utf8'),
  },
  {
    name: 'patient access log',
    role: (patient) => Scenario.patient(patient),
    query: '{ me { accessLog(first: 10) { totalCount } } }',
  },
  {
    name: 'clinician list',
    role: () => Scenario.clinician(PRACTICE),
    query:
      '{ patients(first: 50) { edges { node { nhsNumber clinicalRecord(first: 3) { totalCount } record(first: 3) { totalCount } } } } }',
  },
  {
    name: 'clinician adds an entry',
    role: () => Scenario.clinician(PRACTICE),
    query: 'mutation($i: AddRecordEntryInput!) { addRecordEntry(input: $i) { id } }',
    variables: (patient) => ({
      i: { nhsNumber: patient, type: 'CONSULTATION_NOTE', title: `Soak ${(written += 1)}`, body: 'Soak test entry' },
    }),
  },
  {
    name: 'supplier practices',
    role: () => Scenario.supplier('EMIS'),
    query: '{ practices(first: 50, supplier: EMIS) { totalCount edges { node { odsCode accessStatus } } } }',
  },
  {
    name: 'analyst summary',
    role: () => Scenario.analyst,
    query: '{ rolloutSummary(groupBy: ICB) { key total enabled paused } }',
  },
  {
    name: 'analyst paused',
    role: () => Scenario.analyst,
    query: '{ pausedPractices { totalCount edges { node { name currentPause { reason since } } } } }',
  },
  { name: 'nhse apps', role: () => Scenario.nhse, query: '{ apps { clientId revokedAt } }' },
  {
    name: 'refused: analyst reads a record',
    role: () => Scenario.analyst,
    query: `{ patient(nhsNumber: "${PATIENT}") { nhsNumber } }`,
    expected: ['FORBIDDEN'],
  },
  {
    name: 'refused: alias overload',
    role: (patient) => Scenario.patient(patient),
    query: `{ ${Array.from({ length: 21 }, (_, k) => `a${k}: __typename`).join(' ')} }`,
    expected: ['BAD_USER_INPUT'],
  },
];
