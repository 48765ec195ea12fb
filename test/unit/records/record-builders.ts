import { exclusionHistory, type ExclusionEventFacts } from '../../../subgraphs/records/domain/exclusion';
import type { AccessPeriod, PracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import type { EntryFacts, PatientFacts } from '../../../subgraphs/records/domain/visibility';

/** Readable instants for tests: instant('2023-02-01T00:00') is midnight UTC. */
export const instant = (iso: string): Date => new Date(iso.endsWith('Z') ? iso : `${iso}Z`);
export const plusMs = (date: Date, ms: number): Date => new Date(date.getTime() + ms);

export const period = (from: Date, to: Date | null = null): AccessPeriod => ({ from, to });

/** The raw JSON the rollout subgraph sends for a practice through federation. */
export const rawAccess = (accessStatus: string, periods: AccessPeriod[]) => ({
  accessStatus,
  accessPeriods: periods.map(({ from, to }) => ({ from: from.toISOString(), to: to === null ? null : to.toISOString() })),
});

export const enabledSince = (from: Date): PracticeAccess => ({ status: 'ENABLED', periods: [{ from, to: null }] });

export const consultation = (recordedAt: Date, fields: Partial<EntryFacts> = {}): EntryFacts => ({
  type: 'CONSULTATION_NOTE',
  recordedAt,
  filedAt: null,
  hiddenFromPatient: false,
  ...fields,
});

export const testResult = (recordedAt: Date, filedAt: Date | null): EntryFacts => ({
  type: 'TEST_RESULT',
  recordedAt,
  filedAt,
  hiddenFromPatient: false,
});

/** An exclusion history, from [kind, instant] pairs in the order recorded. */
export const exclusions = (...events: [ExclusionEventFacts['kind'], Date][]) =>
  exclusionHistory(
    events.map(([kind, at]) => ({
      kind,
      at,
      snomedCode:
        kind === 'EXCLUDED' ? '1364731000000104' : kind === 'EXCLUSION_LIFTED' ? '1364751000000106' : '1290331000000103',
    })),
  );

/** An adult registered long before the programme, never excluded. */
export const adult = (fields: Partial<PatientFacts> = {}): PatientFacts => ({
  dateOfBirth: '1980-06-15',
  registeredAt: instant('2010-01-01T00:00'),
  exclusion: exclusionHistory([]),
  ...fields,
});

/** Excluded by a clinician since long before the programme. */
export const excludedSince2000 = () => exclusions(['EXCLUDED', instant('2000-01-01T00:00')]);
