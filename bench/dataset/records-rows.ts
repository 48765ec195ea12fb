import type { RecordEntryType } from '../../subgraphs/records/domain/record-entry-type';
import { mustBeFiled } from '../../subgraphs/records/domain/record-entry-type';
import { availableAt } from '../../subgraphs/records/domain/visibility';
import type { PlannedPatient } from './patient-plan';
import type { SeededRandom } from '../../test/helpers/seeded-random';
import { DAY_MS } from './timeline';

/** A record_entry row in its stored form: instants in ms, the boolean as 0/1 (as TypeORM writes it on SQLite). */
export interface EntryRow {
  id: string;
  nhsNumber: string;
  type: RecordEntryType;
  title: string;
  body: string;
  recordedAt: number;
  filedAt: number | null;
  availableAt: number | null;
  hiddenFromPatient: 0 | 1;
  hiddenReason: string | null;
  recordedBy: string;
}

/** Shares of each kind of entry, roughly a GP record's. */
const TYPE_SHARES: [RecordEntryType, number][] = [
  ['APPOINTMENT', 0.3],
  ['CONSULTATION_NOTE', 0.2],
  ['TEST_RESULT', 0.2],
  ['MEDICATION', 0.15],
  ['CLINICAL_LETTER', 0.08],
  ['DIAGNOSIS', 0.07],
];
/** Mean days from recording to filing (results and letters), and the share a clinician never files. */
const DAYS_TO_FILING: Partial<Record<RecordEntryType, number>> = { TEST_RESULT: 2, CLINICAL_LETTER: 5 };
const NEVER_FILED = 0.02;
const HIDDEN_SHARE = 0.025;
const HIDDEN_REASONS = ['Third-party information', 'Likely to cause serious harm', 'Safeguarding concern', 'Legal restriction'];

type Text = (random: SeededRandom) => string;
const TEXTS: Record<RecordEntryType, [string, Text][]> = {
  APPOINTMENT: [
    [
      'GP appointment',
      (r) => `Face to face with a GP, ${r.between(8, 17)}:${r.pick(['00', '10', '20', '30', '40', '50'])}. Attended.`,
    ],
    [
      'Nurse appointment',
      (r) => `Practice nurse, ${r.pick(['dressing', 'blood pressure check', 'smear test', 'vaccination'])}. Attended.`,
    ],
    ['Telephone consultation', (r) => `Call back requested by the patient; ${r.between(5, 15)} minutes.`],
    ['Medication review', () => 'Annual medication review with the practice pharmacist.'],
    ['Blood test appointment', (r) => `Phlebotomy clinic. ${r.pick(['Attended.', 'Did not attend.'])}`],
  ],
  CONSULTATION_NOTE: [
    [
      'Consultation',
      (r) =>
        `History: ${r.pick(['cough for 2 weeks', 'low back pain', 'sore throat', 'headaches', 'tiredness'])}. Examination unremarkable. Plan: ${r.pick(['safety-netting advice', 'review in 2 weeks', 'bloods', 'self-care'])}.`,
    ],
    [
      'Review',
      (r) =>
        `Reviewed ${r.pick(['asthma', 'diabetes', 'hypertension', 'mood'])}. Stable. BP ${r.between(110, 160)}/${r.between(65, 95)}.`,
    ],
    ['Telephone advice', () => 'Advice given by telephone; to call back if worse.'],
  ],
  TEST_RESULT: [
    ['HbA1c', (r) => `HbA1c ${r.between(32, 90)} mmol/mol.`],
    [
      'Full blood count',
      (r) => `Haemoglobin ${r.between(105, 170)} g/L; white cells ${(r.between(35, 110) / 10).toFixed(1)} x10^9/L.`,
    ],
    [
      'Urea and electrolytes',
      (r) =>
        `Sodium ${r.between(132, 146)} mmol/L; potassium ${(r.between(34, 54) / 10).toFixed(1)} mmol/L; eGFR ${r.between(35, 90)}.`,
    ],
    ['Lipid profile', (r) => `Total cholesterol ${(r.between(30, 80) / 10).toFixed(1)} mmol/L.`],
    ['Thyroid function', (r) => `TSH ${(r.between(3, 60) / 10).toFixed(1)} mU/L.`],
  ],
  MEDICATION: [
    ['Amlodipine 5mg tablets', () => 'One to be taken each day. 28 tablets.'],
    ['Metformin 500mg tablets', () => 'One to be taken twice a day with food. 56 tablets.'],
    ['Salbutamol 100micrograms inhaler', () => 'Two puffs when required. 1 inhaler.'],
    ['Atorvastatin 20mg tablets', () => 'One to be taken at night. 28 tablets.'],
    ['Sertraline 50mg tablets', () => 'One to be taken each day. 28 tablets.'],
  ],
  CLINICAL_LETTER: [
    ['Cardiology clinic letter', (r) => `Seen in clinic. Echo ${r.pick(['normal', 'mild LVH'])}. Discharged to GP care.`],
    [
      'Discharge summary',
      (r) =>
        `Admitted with ${r.pick(['pneumonia', 'a fall', 'chest pain', 'cellulitis'])}; ${r.between(1, 9)} days. Follow-up by GP.`,
    ],
    ['Dermatology clinic letter', () => 'Lesion removed; histology benign. No follow-up needed.'],
    ['Orthopaedic clinic letter', () => 'Listed for physiotherapy; review in 3 months.'],
  ],
  DIAGNOSIS: [
    ['Essential hypertension', () => 'Diagnosed after home blood pressure readings.'],
    ['Type 2 diabetes mellitus', () => 'Diagnosed on two raised HbA1c results.'],
    ['Asthma', () => 'Diagnosed on history and peak flow variability.'],
    ['Osteoarthritis of knee', () => 'Clinical diagnosis.'],
    ['Hypothyroidism', () => 'Raised TSH on two occasions.'],
  ],
};

function typeOf(random: SeededRandom): RecordEntryType {
  let r = random.next();
  for (const [type, share] of TYPE_SHARES) if ((r -= share) < 0) return type;
  return 'APPOINTMENT';
}

/**
 * A UUID-shaped id (version nibble 8, "custom"): the entry's number in the data set, then PRNG
 * digits. Numbered ids arrive in key order, so the primary-key index is appended to, not split
 * at random places, which keeps loading millions of rows fast.
 */
function entryId(seq: number, random: SeededRandom): string {
  const head = seq.toString(16).padStart(12, '0');
  return `${head.slice(0, 8)}-${head.slice(8)}-8${random.hex(3)}-${'89ab'[random.int(4)]}${random.hex(3)}-${random.hex(6)}${random.hex(6)}`;
}

/** `n` sorted instants, uniform in [from, to). */
function instants(n: number, from: number, to: number, random: SeededRandom): Float64Array {
  const at = new Float64Array(n);
  for (let i = 0; i < n; i += 1) at[i] = Math.floor(from + random.next() * (to - from));
  return at.sort();
}

/**
 * One patient's entries, oldest first, numbered from `firstSeq`. Recorded after their
 * registration and up to asOf (sample patients: half before their practice's switch-on, half
 * after); results and letters filed some days later or never, nothing filed after asOf;
 * a few hidden. availableAt is the domain's own availableAt(), as addRecordEntry and
 * fileRecordEntry set it.
 */
export function entriesOf(
  patient: PlannedPatient,
  firstSeq: number,
  window: { historyFrom: number; asOf: number },
  random: SeededRandom,
): EntryRow[] {
  const from = Math.max(patient.registeredAt + 60_000, window.historyFrom);
  const times =
    patient.splitAt === null
      ? instants(patient.entries, from, window.asOf, random)
      : Float64Array.from([
          ...instants(Math.floor(patient.entries / 2), from, patient.splitAt, random),
          ...instants(Math.ceil(patient.entries / 2), patient.splitAt, window.asOf, random),
        ]);
  const clinicians = 1 + random.int(12);
  const rows: EntryRow[] = [];
  for (let i = 0; i < times.length; i += 1) {
    const recordedAt = times[i]!;
    const type = typeOf(random);
    const [title, text] = random.pick(TEXTS[type]);
    let filedAt: number | null = null;
    if (mustBeFiled(type) && random.next() >= NEVER_FILED) {
      const filed = Math.floor(recordedAt + random.exponential((DAYS_TO_FILING[type] ?? 1) * DAY_MS));
      if (filed <= window.asOf) filedAt = filed;
    }
    const hidden = random.next() < HIDDEN_SHARE;
    const available = availableAt({
      type,
      recordedAt: new Date(recordedAt),
      filedAt: filedAt === null ? null : new Date(filedAt),
      hiddenFromPatient: hidden,
    });
    rows.push({
      id: entryId(firstSeq + i, random),
      nhsNumber: patient.nhsNumber,
      type,
      title,
      body: text(random),
      recordedAt,
      filedAt,
      availableAt: available === null ? null : available.getTime(),
      hiddenFromPatient: hidden ? 1 : 0,
      hiddenReason: hidden ? random.pick(HIDDEN_REASONS) : null,
      recordedBy: `${patient.odsCode}:clinician-${1 + random.int(clinicians)}`,
    });
  }
  return rows;
}
