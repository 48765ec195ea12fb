import {
  DEMO_ENABLED,
  DEMO_NOT_SCHEDULED,
  DEMO_PAUSE_RESUME,
  DEMO_PAUSED,
  DEMO_SCHEDULED,
  DEMO_TPP_WAVE,
} from './rollout-histories';

/**
 * The demo world's patients (synthetic NHS numbers from the 999 test range) and their
 * entries, placed around their practices' access periods so that every rule shows: entries
 * before switch-on, at its exact instant (within the clock tolerance), during a pause, after
 * resume; a result received before switch-on and filed after; unfiled results; hidden entries;
 * an excluded patient and one whose exclusion was lifted (what was written meanwhile stays
 * hidden); a patient under 16, one who turned 16, one who moved in.
 */
export type DemoEntryType = 'APPOINTMENT' | 'TEST_RESULT' | 'CLINICAL_LETTER' | 'CONSULTATION_NOTE' | 'DIAGNOSIS' | 'MEDICATION';

export interface DemoEntry {
  type: DemoEntryType;
  recordedAt: string;
  filedAt?: string;
  title: string;
  body: string;
  hiddenReason?: string;
}
export interface DemoPatient {
  nhsNumber: string;
  /** Only for the README and the start banner: the demo's patients have no names in the API. */
  label: string;
  odsCode: string;
  dateOfBirth: string;
  registeredAt: string;
  exclusions?: { snomedCode: string; at: string; reason?: string }[];
  entries: DemoEntry[];
}

const everyday: DemoEntry[] = [
  {
    type: 'CONSULTATION_NOTE',
    recordedAt: '2022-09-14T10:20:00.000Z',
    title: 'Review of asthma',
    body: 'Peak flow stable. Continue current inhaler.',
  },
  {
    type: 'APPOINTMENT',
    recordedAt: '2023-01-09T08:40:00.000Z',
    title: 'Appointment booked',
    body: 'Nurse appointment, 16 January 2023, 09:30.',
  },
  {
    type: 'MEDICATION',
    recordedAt: '2023-06-20T11:00:00.000Z',
    title: 'Salbutamol 100 micrograms inhaler',
    body: 'Two puffs when required. Repeat issued.',
  },
  {
    type: 'TEST_RESULT',
    recordedAt: '2024-03-04T15:10:00.000Z',
    filedAt: '2024-03-05T09:00:00.000Z',
    title: 'Full blood count',
    body: 'Within normal range. No action needed.',
  },
  {
    type: 'CLINICAL_LETTER',
    recordedAt: '2025-02-11T13:00:00.000Z',
    title: 'Letter from respiratory clinic',
    body: 'Awaiting review by the GP.',
  },
];

export const DEMO_PATIENTS: readonly DemoPatient[] = [
  {
    nhsNumber: '9990001375',
    label: 'adult at a practice that paused and resumed',
    odsCode: DEMO_PAUSE_RESUME.odsCode,
    dateOfBirth: '1980-04-12',
    registeredAt: '2015-06-01T09:00:00.000Z',
    entries: [
      {
        type: 'CONSULTATION_NOTE',
        recordedAt: '2022-10-10T10:00:00.000Z',
        title: 'Consultation before switch-on',
        body: 'Recorded before automatic access: never shown automatically.',
      },
      {
        type: 'APPOINTMENT',
        recordedAt: '2022-12-05T09:00:00.000Z',
        title: 'Appointment at the switch-on instant',
        body: 'Recorded at the exact instant access was switched on: too close to be sure of its side, not shown.',
      },
      {
        type: 'APPOINTMENT',
        recordedAt: '2022-12-05T09:30:00.000Z',
        title: 'Appointment booked after switch-on',
        body: 'Recorded half an hour after switch-on: visible.',
      },
      {
        type: 'TEST_RESULT',
        recordedAt: '2022-11-20T14:00:00.000Z',
        filedAt: '2022-12-06T10:00:00.000Z',
        title: 'HbA1c',
        body: 'Received before switch-on, filed after it: visible from filing.',
      },
      {
        type: 'TEST_RESULT',
        recordedAt: '2023-01-20T11:00:00.000Z',
        title: 'Thyroid function',
        body: 'Not yet checked and filed by a clinician: not visible.',
      },
      {
        type: 'CONSULTATION_NOTE',
        recordedAt: '2023-02-14T15:00:00.000Z',
        title: 'Consultation (do not show online)',
        body: 'Hidden by the clinician.',
        hiddenReason: 'Third-party information',
      },
      {
        type: 'CONSULTATION_NOTE',
        recordedAt: '2023-03-01T12:00:00.000Z',
        title: 'Consultation at the pause instant',
        body: 'Recorded at the exact instant access was paused: not visible.',
      },
      {
        type: 'DIAGNOSIS',
        recordedAt: '2023-03-10T10:30:00.000Z',
        title: 'Diagnosis during the pause',
        body: 'Recorded while paused: never visible, even after resume.',
      },
      {
        type: 'APPOINTMENT',
        recordedAt: '2023-04-03T08:00:00.000Z',
        title: 'Appointment at the resume instant',
        body: 'Recorded as access resumed: too close to be sure of its side, not shown.',
      },
      {
        type: 'CONSULTATION_NOTE',
        recordedAt: '2023-04-03T10:00:00.000Z',
        title: 'Consultation after the resume',
        body: 'Recorded two hours after access resumed: visible.',
      },
      {
        type: 'MEDICATION',
        recordedAt: '2024-02-01T09:15:00.000Z',
        title: 'Metformin 500 mg tablets',
        body: 'One tablet twice a day with food.',
      },
      {
        type: 'CLINICAL_LETTER',
        recordedAt: '2025-06-01T12:00:00.000Z',
        filedAt: '2025-06-03T08:30:00.000Z',
        title: 'Letter from diabetes clinic',
        body: 'Filed: visible.',
      },
    ],
  },
  {
    nhsNumber: '9990002746',
    label: 'turned 16 on 20 February 2023',
    odsCode: DEMO_PAUSE_RESUME.odsCode,
    dateOfBirth: '2007-02-20',
    registeredAt: '2010-01-04T09:00:00.000Z',
    entries: [
      {
        type: 'CONSULTATION_NOTE',
        recordedAt: '2023-01-10T10:00:00.000Z',
        title: 'Consultation at 15',
        body: 'Before the 16th birthday: not visible.',
      },
      {
        type: 'APPOINTMENT',
        recordedAt: '2023-02-20T09:00:00.000Z',
        title: 'Appointment on the 16th birthday',
        body: 'After the 16th birthday began in England: visible.',
      },
      { type: 'MEDICATION', recordedAt: '2023-05-02T11:00:00.000Z', title: 'Acne treatment', body: 'Adapalene gel once daily.' },
    ],
  },
  {
    nhsNumber: '9990004110',
    label: 'under 16',
    odsCode: DEMO_PAUSE_RESUME.odsCode,
    dateOfBirth: '2014-09-01',
    registeredAt: '2014-09-15T09:00:00.000Z',
    entries: [
      {
        type: 'APPOINTMENT',
        recordedAt: '2024-05-01T09:00:00.000Z',
        title: 'Immunisation appointment',
        body: 'Under 16: not visible automatically.',
      },
    ],
  },
  {
    nhsNumber: '9990005486',
    label: 'excluded (SNOMED 1364731000000104)',
    odsCode: DEMO_ENABLED.odsCode,
    dateOfBirth: '1975-11-30',
    registeredAt: '2001-03-12T09:00:00.000Z',
    exclusions: [{ snomedCode: '1364731000000104', at: '2022-10-28T16:00:00.000Z', reason: 'Enhanced review before access' }],
    entries: everyday,
  },
  {
    nhsNumber: '9990006857',
    label: 'exclusion lifted (1364751000000106)',
    odsCode: DEMO_ENABLED.odsCode,
    dateOfBirth: '1990-07-07',
    registeredAt: '2012-08-01T09:00:00.000Z',
    exclusions: [
      { snomedCode: '1364731000000104', at: '2022-10-28T16:00:00.000Z', reason: 'Enhanced review before access' },
      { snomedCode: '1364751000000106', at: '2023-05-10T10:00:00.000Z', reason: 'Review complete' },
    ],
    entries: everyday,
  },
  {
    nhsNumber: '9990008221',
    label: 'moved in on 1 September 2023',
    odsCode: DEMO_ENABLED.odsCode,
    dateOfBirth: '1968-01-15',
    registeredAt: '2023-09-01T09:00:00.000Z',
    entries: [
      ...everyday.slice(0, 3),
      {
        type: 'APPOINTMENT',
        recordedAt: '2023-09-15T10:00:00.000Z',
        title: 'New patient check',
        body: 'After registration: visible.',
      },
    ],
  },
  {
    nhsNumber: '9990009597',
    label: 'at a practice on since 1 November 2022',
    odsCode: DEMO_ENABLED.odsCode,
    dateOfBirth: '1959-03-03',
    registeredAt: '1995-05-05T09:00:00.000Z',
    entries: everyday,
  },
  {
    nhsNumber: '9990012334',
    label: 'at a TPP wave practice',
    odsCode: DEMO_TPP_WAVE.odsCode,
    dateOfBirth: '1985-12-24',
    registeredAt: '2005-01-10T09:00:00.000Z',
    entries: everyday,
  },
  {
    nhsNumber: '9990013705',
    label: 'at a practice paused before switch-on',
    odsCode: DEMO_PAUSED.odsCode,
    dateOfBirth: '1972-06-18',
    registeredAt: '2000-02-02T09:00:00.000Z',
    entries: everyday,
  },
  {
    nhsNumber: '9990015074',
    label: 'at a practice scheduled in the future',
    odsCode: DEMO_SCHEDULED.odsCode,
    dateOfBirth: '1988-10-10',
    registeredAt: '2011-11-11T09:00:00.000Z',
    entries: everyday,
  },
  {
    nhsNumber: '9990016445',
    label: 'at a practice never scheduled',
    odsCode: DEMO_NOT_SCHEDULED.odsCode,
    dateOfBirth: '1951-04-01',
    registeredAt: '1990-04-01T09:00:00.000Z',
    entries: everyday,
  },
];

/** The clinician's login of each demo practice with patients (for `npm run token`). */
export const DEMO_CLINICIAN_PRACTICES = [...new Set(DEMO_PATIENTS.map((p) => p.odsCode))];
