import {
  exclusionHistory,
  SNOMED_ACCESS_DECLINED,
  SNOMED_EXCLUDED,
  SNOMED_EXCLUSION_LIFTED,
} from '../../../subgraphs/records/domain/exclusion';
import { parsePracticeAccess, type AccessPeriod, type PracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import {
  availableAt,
  describeReason,
  entryVisibility,
  NOT_VISIBLE_REASONS,
  type EntryFacts,
  type NotVisibleReason,
  type PatientFacts,
} from '../../../subgraphs/records/domain/visibility';
import {
  adult,
  consultation,
  excludedSince2000,
  exclusions,
  instant,
  period,
  plusMs,
  rawAccess,
  testResult,
} from './record-builders';

// One practice's timeline: switched on 1 Feb, paused 1 Mar 09:30, resumed 1 Apr 08:00.
const switchOn = instant('2023-02-01T00:00');
const pausedAt = instant('2023-03-01T09:30');
const resumedAt = instant('2023-04-01T08:00');
const now = instant('2023-06-01T12:00');

/** Access as the records subgraph receives it: raw JSON through parsePracticeAccess. */
const practice = (status: string, periods: AccessPeriod[], at: Date = now): PracticeAccess | null =>
  parsePracticeAccess(rawAccess(status, periods), at);
const onSinceSwitchOn = practice('ENABLED', [period(switchOn)]);
const pausedSinceMarch = practice('PAUSED', [period(switchOn, pausedAt)]);
const resumedInApril = practice('ENABLED', [period(switchOn, pausedAt), period(resumedAt)]);

const mid = { feb: instant('2023-02-15T10:00'), mar: instant('2023-03-15T10:00'), may: instant('2023-05-15T10:00') };
/** Exclusion events as stored before kinds were kept: the code alone says what each did. */
const excludedBy = (...events: [string, string][]): PatientFacts =>
  adult({ exclusion: exclusionHistory(events.map(([snomedCode, at]) => ({ snomedCode, kind: null, at: instant(at) }))) });
const MINUTE = 60_000;

interface Case {
  sentence: string;
  entry: EntryFacts;
  patient?: PatientFacts;
  access: PracticeAccess | null;
  at?: Date;
  /** How far the two clocks may disagree (ms); none unless the case says. */
  tolerance?: number;
  reasons: NotVisibleReason[];
}

const cases: Case[] = [
  // Condition 2: on or after a switch-on, before the next pause.
  {
    sentence: 'an entry recorded at the exact switch-on instant is visible',
    entry: consultation(switchOn),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'an entry recorded 1 ms before switch-on is not',
    entry: consultation(plusMs(switchOn, -1)),
    access: onSinceSwitchOn,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'an entry recorded 1 ms before the pause is visible after resume',
    entry: consultation(plusMs(pausedAt, -1)),
    access: resumedInApril,
    reasons: [],
  },
  {
    sentence: 'an entry recorded at the exact pause instant stays hidden after resume (`to` is exclusive)',
    entry: consultation(pausedAt),
    access: resumedInApril,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'an entry recorded while paused is hidden during the pause',
    entry: consultation(mid.mar),
    access: pausedSinceMarch,
    reasons: ['PRACTICE_NOT_ENABLED', 'OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'an entry recorded while paused stays hidden after resume',
    entry: consultation(mid.mar),
    access: resumedInApril,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'an entry recorded 1 ms before resume stays hidden after it',
    entry: consultation(plusMs(resumedAt, -1)),
    access: resumedInApril,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'an entry recorded at the exact resume instant is visible',
    entry: consultation(resumedAt),
    access: resumedInApril,
    reasons: [],
  },
  { sentence: 'an entry recorded after resume is visible', entry: consultation(mid.may), access: resumedInApril, reasons: [] },
  {
    sentence: 'an entry from the earlier access period is hidden while paused',
    entry: consultation(mid.feb),
    access: pausedSinceMarch,
    reasons: ['PRACTICE_NOT_ENABLED'],
  },
  {
    sentence: 'an entry from the earlier access period comes back on resume',
    entry: consultation(mid.feb),
    access: resumedInApril,
    reasons: [],
  },
  { sentence: 'an entry recorded exactly now is visible', entry: consultation(now), access: onSinceSwitchOn, reasons: [] },
  {
    sentence: 'an entry dated 1 ms in the future of now is not',
    entry: consultation(plusMs(now, 1)),
    access: onSinceSwitchOn,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  // Condition 4: results and letters count from filing.
  {
    sentence: 'a test result received before switch-on and filed after it is visible',
    entry: testResult(instant('2023-01-25T11:00'), mid.feb),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'a test result received after switch-on but unfiled is not',
    entry: testResult(mid.feb, null),
    access: onSinceSwitchOn,
    reasons: ['NOT_FILED'],
  },
  {
    sentence: 'a test result received before the pause and filed during it stays hidden after resume',
    entry: testResult(mid.feb, mid.mar),
    access: resumedInApril,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'a letter received during the pause and filed after resume is visible',
    entry: { ...testResult(mid.mar, mid.may), type: 'CLINICAL_LETTER' },
    access: resumedInApril,
    reasons: [],
  },
  {
    sentence: 'a test result filed before it was recorded is malformed and never available',
    entry: testResult(mid.may, mid.feb),
    access: onSinceSwitchOn,
    reasons: ['NOT_FILED'],
  },
  {
    sentence: 'a filing date on an appointment is ignored: it counts from recording',
    entry: { ...consultation(plusMs(switchOn, -1)), type: 'APPOINTMENT', filedAt: mid.feb },
    access: onSinceSwitchOn,
    reasons: ['OUTSIDE_ACCESS_PERIOD'],
  },
  // Condition 3: registration and the 16th birthday (midnight in London).
  {
    sentence: 'an entry recorded at the registration instant is visible',
    entry: consultation(instant('2023-03-10T10:15')),
    patient: adult({ registeredAt: instant('2023-03-10T10:15') }),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'an entry recorded 1 ms before registration is not',
    entry: consultation(instant('2023-03-10T10:14:59.999')),
    patient: adult({ registeredAt: instant('2023-03-10T10:15') }),
    access: onSinceSwitchOn,
    reasons: ['BEFORE_REGISTRATION'],
  },
  {
    sentence: 'in summer the 16th birthday starts at 23:00 UTC the day before: visible from that instant',
    entry: consultation(instant('2023-05-16T23:00')),
    patient: adult({ dateOfBirth: '2007-05-17' }),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'in summer, 1 ms before London midnight on the 16th birthday is too early',
    entry: consultation(instant('2023-05-16T22:59:59.999')),
    patient: adult({ dateOfBirth: '2007-05-17' }),
    access: onSinceSwitchOn,
    reasons: ['BEFORE_16TH_BIRTHDAY'],
  },
  {
    sentence: 'in winter the 16th birthday starts at 00:00 UTC: visible from that instant',
    entry: consultation(instant('2023-02-20T00:00')),
    patient: adult({ dateOfBirth: '2007-02-20' }),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'in winter, 1 ms before midnight on the 16th birthday is too early',
    entry: consultation(instant('2023-02-19T23:59:59.999')),
    patient: adult({ dateOfBirth: '2007-02-20' }),
    access: onSinceSwitchOn,
    reasons: ['BEFORE_16TH_BIRTHDAY'],
  },
  {
    sentence: 'born 29 February 2008: 16 at midnight on 29 February 2024',
    entry: consultation(instant('2024-02-29T00:00')),
    patient: adult({ dateOfBirth: '2008-02-29' }),
    access: onSinceSwitchOn,
    at: instant('2024-06-01T00:00'),
    reasons: [],
  },
  {
    sentence: 'born 29 February 2008: not yet 16 on 28 February 2024',
    entry: consultation(instant('2024-02-28T23:59:59.999')),
    patient: adult({ dateOfBirth: '2008-02-29' }),
    access: onSinceSwitchOn,
    at: instant('2024-06-01T00:00'),
    reasons: ['BEFORE_16TH_BIRTHDAY'],
  },
  {
    sentence: 'born 29 February 2084: 16 on 1 March 2100, a common year',
    entry: consultation(instant('2100-03-01T00:00')),
    patient: adult({ dateOfBirth: '2084-02-29' }),
    access: onSinceSwitchOn,
    at: instant('2100-06-01T00:00'),
    reasons: [],
  },
  {
    sentence: 'born 29 February 2084: not yet 16 at the end of 28 February 2100',
    entry: consultation(instant('2100-02-28T23:59:59.999')),
    patient: adult({ dateOfBirth: '2084-02-29' }),
    access: onSinceSwitchOn,
    at: instant('2100-06-01T00:00'),
    reasons: ['BEFORE_16TH_BIRTHDAY'],
  },
  {
    sentence: 'a malformed date of birth counts as not yet 16',
    entry: consultation(mid.may),
    patient: adult({ dateOfBirth: '2007-02-30' }),
    access: onSinceSwitchOn,
    reasons: ['BEFORE_16TH_BIRTHDAY'],
  },
  // Conditions 5 and 6: redaction and exclusion.
  {
    sentence: 'an entry marked "do not show online" is hidden',
    entry: consultation(mid.may, { hiddenFromPatient: true }),
    access: onSinceSwitchOn,
    reasons: ['HIDDEN'],
  },
  {
    sentence: 'an excluded patient (104) sees nothing',
    entry: consultation(mid.may),
    patient: excludedBy([SNOMED_EXCLUDED, '2023-03-01T10:00']),
    access: onSinceSwitchOn,
    reasons: ['PATIENT_EXCLUDED', 'EXCLUDED_WHEN_AVAILABLE'],
  },
  {
    sentence: 'an exclusion lifted (106) shows entries from before the exclusion again',
    entry: consultation(mid.feb),
    patient: excludedBy([SNOMED_EXCLUDED, '2023-02-20T10:00'], [SNOMED_EXCLUSION_LIFTED, '2023-04-20T10:00']),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'an exclusion lifted (106) shows entries from after the lift',
    entry: consultation(mid.may),
    patient: excludedBy([SNOMED_EXCLUDED, '2023-02-20T10:00'], [SNOMED_EXCLUSION_LIFTED, '2023-04-20T10:00']),
    access: onSinceSwitchOn,
    reasons: [],
  },
  {
    sentence: 'an entry that became available while the patient was excluded stays hidden after the lift',
    entry: consultation(mid.mar),
    patient: excludedBy([SNOMED_EXCLUDED, '2023-02-20T10:00'], [SNOMED_EXCLUSION_LIFTED, '2023-04-20T10:00']),
    access: onSinceSwitchOn,
    reasons: ['EXCLUDED_WHEN_AVAILABLE'],
  },
  {
    sentence: 'an entry stamped at the very instant of the lift stays hidden too',
    entry: consultation(instant('2023-04-20T10:00')),
    patient: excludedBy([SNOMED_EXCLUDED, '2023-02-20T10:00'], [SNOMED_EXCLUSION_LIFTED, '2023-04-20T10:00']),
    access: onSinceSwitchOn,
    reasons: ['EXCLUDED_WHEN_AVAILABLE'],
  },
  {
    sentence: 'a clinician’s lift (106) does not end the patient’s own decline (103)',
    entry: consultation(mid.may),
    patient: excludedBy([SNOMED_ACCESS_DECLINED, '2023-02-20T10:00'], [SNOMED_EXCLUSION_LIFTED, '2023-04-20T10:00']),
    access: onSinceSwitchOn,
    reasons: ['PATIENT_EXCLUDED', 'EXCLUDED_WHEN_AVAILABLE'],
  },
  {
    sentence: 'after the patient withdraws their decline, entries from after it are shown, those from the decline never',
    entry: consultation(mid.may),
    patient: adult({
      exclusion: exclusions(['ACCESS_DECLINED', instant('2023-02-20T10:00')], ['DECLINE_WITHDRAWN', instant('2023-04-20T10:00')]),
    }),
    access: onSinceSwitchOn,
    reasons: [],
  },
  // Two clocks: an entry within the tolerance of a boundary could lie on either side.
  {
    sentence: 'with a 5-minute tolerance, an entry 4 minutes after switch-on is not shown',
    entry: consultation(plusMs(switchOn, 4 * MINUTE)),
    access: onSinceSwitchOn,
    tolerance: 5 * MINUTE,
    reasons: ['NEAR_ACCESS_BOUNDARY'],
  },
  {
    sentence: 'with a 5-minute tolerance, an entry exactly 5 minutes after switch-on is shown',
    entry: consultation(plusMs(switchOn, 5 * MINUTE)),
    access: onSinceSwitchOn,
    tolerance: 5 * MINUTE,
    reasons: [],
  },
  {
    sentence: 'with a 5-minute tolerance, an entry 5 minutes before the pause is not shown after resume',
    entry: consultation(plusMs(pausedAt, -5 * MINUTE)),
    access: resumedInApril,
    tolerance: 5 * MINUTE,
    reasons: ['NEAR_ACCESS_BOUNDARY'],
  },
  {
    sentence: 'with a 5-minute tolerance, an entry 5 minutes and 1 ms before the pause is shown after resume',
    entry: consultation(plusMs(pausedAt, -5 * MINUTE - 1)),
    access: resumedInApril,
    tolerance: 5 * MINUTE,
    reasons: [],
  },
  {
    sentence: 'with a 5-minute tolerance, an entry 1 minute after the resume is not shown',
    entry: consultation(plusMs(resumedAt, MINUTE)),
    access: resumedInApril,
    tolerance: 5 * MINUTE,
    reasons: ['NEAR_ACCESS_BOUNDARY'],
  },
  {
    sentence: 'a tolerance that is not a non-negative number makes the access data unusable',
    entry: consultation(mid.may),
    access: onSinceSwitchOn,
    tolerance: -1,
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'a patient who declined access (103) sees nothing',
    entry: consultation(mid.may),
    patient: excludedBy([SNOMED_ACCESS_DECLINED, '2023-01-05T10:00']),
    access: onSinceSwitchOn,
    reasons: ['PATIENT_EXCLUDED', 'EXCLUDED_WHEN_AVAILABLE'],
  },
  {
    sentence: 'an unknown exclusion code means excluded',
    entry: consultation(mid.may),
    patient: excludedBy(['999999999', '2023-01-05T10:00']),
    access: onSinceSwitchOn,
    reasons: ['PATIENT_EXCLUDED', 'EXCLUDED_WHEN_AVAILABLE'],
  },
  // Condition 1 and the access data itself.
  {
    sentence: 'nothing is visible at a practice never scheduled',
    entry: consultation(mid.may),
    access: practice('NOT_SCHEDULED', []),
    reasons: ['PRACTICE_NOT_ENABLED', 'OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'nothing is visible at a practice scheduled for later',
    entry: consultation(mid.may),
    access: practice('SCHEDULED', []),
    reasons: ['PRACTICE_NOT_ENABLED', 'OUTSIDE_ACCESS_PERIOD'],
  },
  {
    sentence: 'an unknown status means the access data is unavailable',
    entry: consultation(mid.may),
    access: practice('DISABLED', [period(switchOn)]),
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'ENABLED with no periods means the access data is unavailable',
    entry: consultation(mid.may),
    access: practice('ENABLED', []),
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'ENABLED while the periods say paused means the access data is unavailable',
    entry: consultation(mid.feb),
    access: practice('ENABLED', [period(switchOn, pausedAt)]),
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'PAUSED while a period is still open means the access data is unavailable',
    entry: consultation(mid.feb),
    access: practice('PAUSED', [period(switchOn)]),
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'access built by hand that parsing would refuse is unavailable too',
    entry: consultation(mid.feb),
    access: { status: 'ENABLED', periods: [period(switchOn, pausedAt)] },
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'an access period with an invalid instant is unavailable',
    entry: consultation(mid.feb),
    access: { status: 'ENABLED', periods: [period(new Date(NaN))] },
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  // Invalid instants anywhere: not visible.
  {
    sentence: 'an invalid `now` shows nothing',
    entry: consultation(mid.feb),
    access: onSinceSwitchOn,
    at: new Date(NaN),
    reasons: ['ACCESS_DATA_UNAVAILABLE'],
  },
  {
    sentence: 'an invalid recording instant makes the entry never available',
    entry: consultation(new Date('nonsense')),
    access: onSinceSwitchOn,
    reasons: ['NOT_FILED'],
  },
  {
    sentence: 'an invalid filing instant makes a result never available',
    entry: testResult(mid.feb, new Date(NaN)),
    access: onSinceSwitchOn,
    reasons: ['NOT_FILED'],
  },
  {
    sentence: 'an invalid registration instant counts as not yet registered',
    entry: consultation(mid.feb),
    patient: adult({ registeredAt: new Date(NaN) }),
    access: onSinceSwitchOn,
    reasons: ['BEFORE_REGISTRATION'],
  },
  // Every reason that applies, in the fixed order.
  {
    sentence: 'an entry failing many conditions reports each, in the fixed order',
    entry: consultation(mid.mar, { hiddenFromPatient: true }),
    patient: { dateOfBirth: '2007-05-17', registeredAt: instant('2023-04-01T00:00'), exclusion: excludedSince2000() },
    access: pausedSinceMarch,
    reasons: [
      'PRACTICE_NOT_ENABLED',
      'OUTSIDE_ACCESS_PERIOD',
      'BEFORE_REGISTRATION',
      'BEFORE_16TH_BIRTHDAY',
      'HIDDEN',
      'PATIENT_EXCLUDED',
      'EXCLUDED_WHEN_AVAILABLE',
    ],
  },
  {
    sentence: 'with no access data, an unfiled hidden result of an excluded patient reports all four',
    entry: { ...testResult(mid.feb, null), hiddenFromPatient: true },
    patient: adult({ exclusion: excludedSince2000() }),
    access: null,
    reasons: ['ACCESS_DATA_UNAVAILABLE', 'NOT_FILED', 'HIDDEN', 'PATIENT_EXCLUDED'],
  },
];

describe('the patient view: entryVisibility', () => {
  it('the fixture practices parse (otherwise every case below would pass for the wrong reason)', () => {
    expect([onSinceSwitchOn, pausedSinceMarch, resumedInApril]).not.toContain(null);
  });

  it.each(cases)('$sentence', ({ entry, patient = adult(), access, at = now, tolerance = 0, reasons }) => {
    expect(entryVisibility(entry, patient, access, at, tolerance)).toEqual({ visible: reasons.length === 0, reasons });
  });

  it('untyped truthy flags fail closed: only `false` shows an entry', () => {
    const entry = { ...consultation(mid.may), hiddenFromPatient: 0 as unknown as boolean };
    const patient = adult({ exclusion: { ...exclusionHistory([]), excluded: 'no' as unknown as boolean } });
    expect(entryVisibility(entry, patient, onSinceSwitchOn, now, 0).reasons).toEqual(['HIDDEN', 'PATIENT_EXCLUDED']);
  });

  it('missing exclusion facts fail closed', () => {
    const patient = { dateOfBirth: '1980-06-15', registeredAt: instant('2010-01-01T00:00') } as PatientFacts;
    expect(entryVisibility(consultation(mid.may), patient, onSinceSwitchOn, now, 0).reasons).toEqual([
      'PATIENT_EXCLUDED',
      'EXCLUDED_WHEN_AVAILABLE',
    ]);
  });

  it('an entry of an unknown type is never available', () => {
    const entry = { ...consultation(mid.may), type: 'DOCUMENT' as EntryFacts['type'] };
    expect(entryVisibility(entry, adult(), onSinceSwitchOn, now, 0)).toEqual({ visible: false, reasons: ['NOT_FILED'] });
  });
});

describe('the instant an entry became available', () => {
  it('is when it was recorded for an appointment, consultation, diagnosis or medication', () => {
    for (const type of ['APPOINTMENT', 'CONSULTATION_NOTE', 'DIAGNOSIS', 'MEDICATION'] as const) {
      expect(availableAt({ ...consultation(mid.feb), type })).toEqual(mid.feb);
    }
  });

  it('is when a clinician filed it for a test result or letter, and null while unfiled', () => {
    expect(availableAt(testResult(mid.feb, mid.mar))).toEqual(mid.mar);
    expect(availableAt({ ...testResult(mid.feb, mid.mar), type: 'CLINICAL_LETTER' })).toEqual(mid.mar);
    expect(availableAt(testResult(mid.feb, null))).toBeNull();
  });
});

describe('reasons in words, for clinicians', () => {
  it.each(NOT_VISIBLE_REASONS.map((reason) => [reason]))('%s has a plain-English sentence', (reason) => {
    expect(describeReason(reason)).toMatch(/^[A-Z][^.]{10,}$/);
  });

  it('an entry outside every access period is explained in the words of the timeline', () => {
    expect(describeReason('OUTSIDE_ACCESS_PERIOD')).toBe('Became available while access was paused or before it was switched on');
  });
});
