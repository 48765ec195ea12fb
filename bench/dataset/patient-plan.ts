import { SNOMED_ACCESS_DECLINED, SNOMED_EXCLUDED, SNOMED_EXCLUSION_LIFTED } from '../../subgraphs/records/domain/exclusion';
import { testNhsNumbers } from '../../test/helpers/bulk-records';
import { SAMPLE_ENTRY_COUNTS, entryCounts, heavyPatients, middlingPatients } from './entry-counts';
import type { PracticeFacts } from './rollout-world';
import type { SeededRandom } from '../../test/helpers/seeded-random';
import { DAY_MS, YEAR_MS } from './timeline';

/** One patient as the records generator will write them. Instants in ms. */
export interface PlannedPatient {
  nhsNumber: string;
  odsCode: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  registeredAt: number;
  entries: number;
  /** Sample patients: half their entries before this instant (their practice's switch-on), half after. */
  splitAt: number | null;
  exclusions: { snomedCode: string; at: number; reason: string | null }[];
}

export interface PatientPlan {
  patients: PlannedPatient[];
  /** Indices into `patients` of the patients with exactly 10, 1,000 and 10,000 entries. */
  samples: number[];
  /** Indices of up to TYPICAL_SAMPLE patients with tens of entries at ENABLED practices. */
  typical: number[];
  /** The ENABLED practice the samples are registered at, with at least CLINICIAN_LIST patients. */
  clinicianPractice: PracticeFacts;
}

export const TYPICAL_SAMPLE = 1_000;
/** Patients placed at the clinician practice whatever the skew says, so its list is long enough. */
const CLINICIAN_LIST = 120;
/** About the share of under-16s in England's population. */
const CHILD_SHARE = 0.19;

/** YYYY-MM-DD of an instant (UTC). */
const calendarDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Who the patients are and where, how many entries each has, and who is excluded: every choice
 * of the records data set except the entries themselves. Pure: practices and a seeded random in,
 * the plan out.
 */
export function planPatients(
  practices: readonly PracticeFacts[],
  size: { patients: number; entries: number },
  instants: { historyFrom: number; asOf: number },
  random: SeededRandom,
): PatientPlan {
  const open = practices.filter((practice) => practice.active);
  const clinicianPractice = pickClinicianPractice(open, instants.asOf, random);
  // Practices differ in size: a log-normal list size for each, patients drawn in proportion.
  const cumulative: number[] = [];
  let sum = 0;
  for (const _practice of open) cumulative.push((sum += random.logNormal(1, 0.6)));
  const practiceOf = () => {
    const target = random.next() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return open[low]!;
  };
  const where = Array.from({ length: size.patients }, practiceOf);

  const taken = new Set<number>();
  const distinct = (n: number) => {
    const picked: number[] = [];
    while (picked.length < n) {
      const index = random.int(size.patients);
      if (taken.has(index)) continue;
      taken.add(index);
      picked.push(index);
    }
    return picked;
  };
  const atClinicianPractice = distinct(Math.min(CLINICIAN_LIST, size.patients));
  for (const index of atClinicianPractice) where[index] = clinicianPractice;
  const samples = atClinicianPractice.slice(0, SAMPLE_ENTRY_COUNTS.length);
  const fixed = new Map<number, number>(samples.map((index, k) => [index, SAMPLE_ENTRY_COUNTS[k]!]));
  for (const index of distinct(heavyPatients(size.patients))) fixed.set(index, random.between(9_000, 11_000));
  for (const index of distinct(middlingPatients(size.patients))) fixed.set(index, random.between(500, 1_500));
  const counts = entryCounts(size.entries, size.patients, fixed, random);

  const nhsNumbers = testNhsNumbers(size.patients);
  const patients = nhsNumbers.map((nhsNumber, index): PlannedPatient => {
    const practice = where[index]!;
    // Patients with many entries (and the samples) are adults registered for years.
    const established = fixed.has(index);
    const { dateOfBirth, registeredAt } = person(practice, established, instants, random);
    const sample = samples.indexOf(index) >= 0;
    return {
      nhsNumber,
      odsCode: practice.odsCode,
      dateOfBirth,
      registeredAt,
      entries: counts[index]!,
      splitAt: sample ? practice.periods[0]!.from : null,
      exclusions: established ? [] : exclusions(practice.odsCode, registeredAt, instants, random),
    };
  });

  const enabled = new Set(open.filter((practice) => practice.status === 'ENABLED').map((practice) => practice.odsCode));
  // Sixteen well before the history starts (compared as YYYY-MM-DD, cheaper than the age rule for every patient).
  const bornBy = calendarDay(instants.historyFrom - 16 * YEAR_MS - 2 * DAY_MS);
  const candidates = patients.flatMap((patient, index) => {
    const ordinary = !fixed.has(index) && patient.exclusions.length === 0 && patient.entries >= 10 && patient.entries <= 200;
    return ordinary && enabled.has(patient.odsCode) && patient.dateOfBirth <= bornBy ? [index] : [];
  });
  const typicalCount = Math.min(TYPICAL_SAMPLE, candidates.length);
  const typical = Array.from({ length: typicalCount }, (_, k) => candidates[Math.floor((k * candidates.length) / typicalCount)]!);
  return { patients, samples, typical, clinicianPractice };
}

/**
 * An ENABLED practice switched on once, at least a year before asOf and never paused: its
 * patients see a good part of their entries, and their first page is a real range scan.
 */
function pickClinicianPractice(open: readonly PracticeFacts[], asOf: number, random: SeededRandom): PracticeFacts {
  const candidates = open.filter(
    (practice) =>
      practice.status === 'ENABLED' &&
      practice.periods.length === 1 &&
      practice.periods[0]!.from <= asOf - YEAR_MS &&
      (practice.openedAt ?? 0) < practice.periods[0]!.from - 5 * YEAR_MS,
  );
  if (candidates.length === 0) throw new Error('No practice has been ENABLED for a year: ask for more practices');
  return random.pick(candidates);
}

/** A date of birth and a registration: mostly adults registered before the history starts, some children, some movers. */
function person(
  practice: PracticeFacts,
  established: boolean,
  instants: { historyFrom: number; asOf: number },
  random: SeededRandom,
): { dateOfBirth: string; registeredAt: number } {
  const child = !established && random.next() < CHILD_SHARE;
  const age = child ? 0.2 + random.next() * 15.8 : established ? 25 + random.next() * 60 : 16 + random.next() * 74;
  const bornAt = instants.asOf - age * YEAR_MS;
  const opened = practice.openedAt ?? -Infinity;
  const earliest = Math.max(bornAt + 14 * DAY_MS, opened, Date.UTC(1990, 0, 1));
  // Most registered before the history starts; a third moved here (or were born) during it.
  const mover = !established && (random.next() < 0.3 || earliest >= instants.historyFrom);
  const from = mover ? Math.max(earliest, instants.historyFrom) : earliest;
  const to = mover ? instants.asOf - 30 * DAY_MS : instants.historyFrom;
  const registeredAt = Math.floor(from + random.next() * Math.max(to - from, DAY_MS));
  return { dateOfBirth: calendarDay(bornAt), registeredAt };
}

const EXCLUSION_REASONS = [
  'Enhanced review: safeguarding concerns',
  'Enhanced review: third-party information throughout the record',
  null,
];

/** About 1 in 100 patients excluded (a third of them lifted later), 1 in 300 declining access. */
function exclusions(
  odsCode: string,
  registeredAt: number,
  instants: { historyFrom: number; asOf: number },
  random: SeededRandom,
): PlannedPatient['exclusions'] {
  const r = random.next();
  if (r >= 0.0133) return [];
  const from = Math.max(registeredAt, instants.historyFrom);
  const at = Math.floor(from + random.next() * (instants.asOf - from));
  if (r >= 0.01) return [{ snomedCode: SNOMED_ACCESS_DECLINED, at, reason: 'Declined by the patient' }];
  const excluded = { snomedCode: SNOMED_EXCLUDED, at, reason: random.pick(EXCLUSION_REASONS) };
  if (random.next() >= 1 / 3) return [excluded];
  const liftedAt = Math.floor(at + random.next() * (instants.asOf - at));
  return [excluded, { snomedCode: SNOMED_EXCLUSION_LIFTED, at: liftedAt, reason: 'Review complete' }];
}
