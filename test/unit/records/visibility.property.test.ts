import fc from 'fast-check';
import { exclusionHistory, type ExclusionEventFacts } from '../../../subgraphs/records/domain/exclusion';
import { onlineAccess } from '../../../subgraphs/records/domain/online-access';
import { parsePracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import { sixteenthBirthday } from '../../../subgraphs/records/domain/sixteenth-birthday';
import {
  entryVisibility,
  NOT_VISIBLE_REASONS,
  type EntryFacts,
  type PatientFacts,
} from '../../../subgraphs/records/domain/visibility';
import { visibleWindow } from '../../../subgraphs/records/domain/visible-window';

/*
 * The rule checked against an oracle written again, separately and as literally as possible,
 * from docs/domain.md "Who sees what" (rule 6 and "Our rules" included) and "Instants from different
 * clocks". The oracle works on the raw inputs (federation JSON, ISO strings, SNOMED codes and
 * event kinds in the order recorded, a date-of-birth string) with its own London clock (the UK
 * summer-time rule since 1996), so a mistake shared by the two would have to be made twice,
 * differently. Only the functions under test are imported from the implementation.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2022-10-01T00:00:00.000Z');
const CODES = { excluded: '1364731000000104', lifted: '1364751000000106', declined: '1290331000000103' };
const KINDS = ['EXCLUDED', 'EXCLUSION_LIFTED', 'ACCESS_DECLINED', 'DECLINE_WITHDRAWN'] as const;
type Kind = (typeof KINDS)[number];
/** The SNOMED CT concept each kind records: a withdrawn decline ends the 103 entry, so it carries 103 too. */
const CODE_OF: Record<Kind, string> = {
  EXCLUDED: CODES.excluded,
  EXCLUSION_LIFTED: CODES.lifted,
  ACCESS_DECLINED: CODES.declined,
  DECLINE_WITHDRAWN: CODES.declined,
};
const ENTRY_TYPES = ['APPOINTMENT', 'TEST_RESULT', 'CLINICAL_LETTER', 'CONSULTATION_NOTE', 'DIAGNOSIS', 'MEDICATION'];

interface RawPeriod {
  from: string;
  to: string | null;
}
/** An exclusion event as stored: a code, a kind (null on rows from before kinds were kept), an instant (NaN: unreadable). */
interface RawEvent {
  code: string;
  kind: string | null;
  at: number;
}
interface Scenario {
  raw: { accessStatus: string; accessPeriods: RawPeriod[] } | undefined;
  now: number;
  dateOfBirth: string;
  registeredAt: number;
  /** In the order recorded. */
  exclusions: RawEvent[];
  /** How far the rollout clock (access periods) and the records clock (entries) may disagree. */
  toleranceMs: number;
  entry: { type: string; recordedAt: number; filedAt: number | null; hidden: boolean };
}

// ---------------------------------------------------------------- the oracle

/**
 * "Anything unknown, missing, null or malformed": a history the rollout could never produce. Its
 * instants come from the rollout clock, which may run up to `tolerance` ahead of ours ("Instants
 * from different clocks"), so one up to that far after our now is no sign of malformed data.
 */
function oracleAccessIsSound(status: string, periods: { from: number; to: number }[], now: number, tolerance: number): boolean {
  if (!['NOT_SCHEDULED', 'SCHEDULED', 'ENABLED', 'PAUSED'].includes(status)) return false;
  const open = periods.filter((p) => p.to === Infinity);
  if (status === 'ENABLED' && !(open.length === 1 && periods[periods.length - 1]?.to === Infinity)) return false;
  if (status !== 'ENABLED' && open.length > 0) return false;
  if (status === 'NOT_SCHEDULED' && periods.length > 0) return false;
  const latest = now + tolerance;
  let previousEnd = -Infinity;
  for (const p of periods) {
    if (!(p.from >= previousEnd && p.from < p.to && p.from <= latest && (p.to === Infinity || p.to <= latest))) return false;
    previousEnd = p.to;
  }
  return true;
}

/** UK clocks: BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
function lastSundayAt1amUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

function oracleSixteenthBirthday(dateOfBirth: string): number | null {
  const m = /^(\d\d\d\d)-(\d\d)-(\d\d)$/.exec(dateOfBirth);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const born = new Date(Date.UTC(y, mo, d));
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== mo || born.getUTCDate() !== d) return null;
  const year = y + 16;
  const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
  const [month, day] = mo === 1 && d === 29 && !leap ? [2, 1] : [mo, d];
  const midnightIfUtc = Date.UTC(year, month, day);
  const midnightIfBst = midnightIfUtc - 3_600_000;
  const bst = midnightIfBst >= lastSundayAt1amUtc(year, 2) && midnightIfBst < lastSundayAt1amUtc(year, 9);
  return bst ? midnightIfBst : midnightIfUtc;
}

/** What a stored event did, or null when it cannot be trusted (rule 6; "anything unknown ... means not visible"). */
function oracleKind(event: RawEvent): Kind | null {
  if (Number.isNaN(event.at)) return null;
  if (event.kind === null) {
    // Rows from before kinds were kept: the code says what was done (a 103 then could only be a decline).
    if (event.code === CODES.excluded) return 'EXCLUDED';
    if (event.code === CODES.lifted) return 'EXCLUSION_LIFTED';
    if (event.code === CODES.declined) return 'ACCESS_DECLINED';
    return null;
  }
  const kind = KINDS.find((k) => k === event.kind);
  return kind !== undefined && CODE_OF[kind] === event.code ? kind : null;
}

/**
 * The patient's standing after each event, read in the order recorded ("never by a clock that
 * may have stepped back"): an event takes effect no earlier than any event recorded before it.
 * A clinician's 104 excludes and their 106 lifts it; only the patient's own withdrawal ends
 * their decline (103), which a 106 never does. Null when any event is unreadable.
 */
function oracleStandings(events: RawEvent[]): { at: number; excluded: boolean }[] | null {
  let clinician = false;
  let declined = false;
  let latest = -Infinity;
  const standings: { at: number; excluded: boolean }[] = [];
  for (const event of events) {
    const kind = oracleKind(event);
    if (kind === null) return null;
    latest = Math.max(latest, event.at);
    if (kind === 'EXCLUDED') clinician = true;
    if (kind === 'EXCLUSION_LIFTED') clinician = false;
    if (kind === 'ACCESS_DECLINED') declined = true;
    if (kind === 'DECLINE_WITHDRAWN') declined = false;
    standings.push({ at: latest, excluded: clinician || declined });
  }
  return standings;
}

/** Rule 6, now: excluded after the last event recorded (or for good, when anything is unreadable). */
function oracleExcludedNow(events: RawEvent[]): boolean {
  const standings = oracleStandings(events);
  return standings === null || (standings[standings.length - 1]?.excluded ?? false);
}

/**
 * Rule 6, "Our rules": was the patient excluded at any moment of the millisecond `t`? Both the
 * standing they entered it with (after every event that took effect before it) and each
 * standing an event taking effect within it left count, so an entry stamped at the very instant
 * of a lift stays hidden, and one stamped at the very instant of an exclusion is hidden too.
 */
function oracleExcludedDuring(events: RawEvent[], t: number): boolean {
  const standings = oracleStandings(events);
  if (standings === null) return true;
  const before = standings.filter((s) => s.at < t);
  const entering = before[before.length - 1]?.excluded ?? false;
  return entering || standings.some((s) => s.at === t && s.excluded);
}

/**
 * "Instants from different clocks": the access periods' switch-ons and pauses are stamped by
 * the rollout clock, which may be up to `tolerance` ahead of or behind the records clock that
 * stamped the entry. An entry's side of a boundary b (on or after it, or before it) is certain
 * only if it is the same for every disagreement d in [-tolerance, +tolerance].
 */
function oracleSideUncertain(t: number, boundary: number, tolerance: number): boolean {
  const onOrAfter = (d: number) => t >= boundary + d;
  return onOrAfter(-tolerance) !== onOrAfter(+tolerance);
}

/** The instant the entry became available (rule 2 and 4), or null: unfiled, unknown, or filed before it existed. */
function oracleAvailable(entry: Scenario['entry']): number | null {
  const { type, recordedAt, filedAt } = entry;
  if (!ENTRY_TYPES.includes(type) || Number.isNaN(recordedAt)) return null;
  if (type !== 'TEST_RESULT' && type !== 'CLINICAL_LETTER') return recordedAt;
  if (filedAt === null || Number.isNaN(filedAt) || filedAt < recordedAt) return null;
  return filedAt;
}

const oraclePeriods = (s: Scenario) =>
  s.raw!.accessPeriods.map((p) => ({ from: Date.parse(p.from), to: p.to === null ? Infinity : Date.parse(p.to) }));

/** The conditions of docs/domain.md the entry fails, each judged only where its facts exist. */
function oracleFailures(s: Scenario): string[] {
  const failures: string[] = [];
  const available = oracleAvailable(s.entry);
  if (available === null) failures.push('4 not available (unfiled or malformed)');
  const periods = s.raw === undefined ? null : oraclePeriods(s);
  // Without a usable tolerance the two clocks cannot be compared at all: the access data is unusable.
  const tolerance = Number.isSafeInteger(s.toleranceMs) && s.toleranceMs >= 0 ? s.toleranceMs : null;
  if (periods === null || tolerance === null || !oracleAccessIsSound(s.raw!.accessStatus, periods, s.now, tolerance))
    failures.push('access data unusable');
  else {
    // 1. The practice's access status is ENABLED at this moment.
    if (s.raw!.accessStatus !== 'ENABLED') failures.push('1 not enabled');
    if (available !== null) {
      // 2. Inside an access period: on or after a switch-on, before the next pause (and it has happened).
      const inside = available <= s.now && periods.some((p) => p.from <= available && available < p.to);
      if (!inside) failures.push('2 outside access periods');
      // ... and on the certain side of every switch-on, pause and resume, whatever the clocks' disagreement.
      const boundaries = periods.flatMap((p) => (p.to === Infinity ? [p.from] : [p.from, p.to]));
      if (inside && boundaries.some((b) => oracleSideUncertain(available, b, tolerance)))
        failures.push('2 too near a boundary for two clocks');
    }
  }
  if (available !== null) {
    // 3. On or after registration at this practice and on or after the 16th birthday.
    if (!(available >= s.registeredAt)) failures.push('3 before registration');
    const sixteen = oracleSixteenthBirthday(s.dateOfBirth);
    if (sixteen === null || available < sixteen) failures.push('3 before 16th birthday');
  }
  // 5. Not marked "do not show online".
  if (s.entry.hidden) failures.push('5 hidden');
  // 6. Not excluded now, and not excluded when the entry became available.
  if (oracleExcludedNow(s.exclusions)) failures.push('6 excluded now');
  if (available !== null && oracleExcludedDuring(s.exclusions, available)) failures.push('6 excluded when available');
  return failures;
}

const oracleVisible = (s: Scenario): boolean => oracleFailures(s).length === 0;

// ---------------------------------------------------------------- the generators

const ms = (min: number, max: number) => fc.integer({ min, max });
/** An instant: one of the scenario's own instants give or take 1 ms, one inside a period, or anywhere. */
const pick = fc.record({
  how: fc.constantFrom('anchor', 'anchor', 'inside', 'anywhere'),
  index: fc.nat(),
  delta: fc.constantFrom(-1, 0, 1),
  // Spread evenly over [0, 1] (fc.double would favour tiny values, fc.integer the ends of its range).
  fraction: fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_000),
});
type Pick = typeof pick extends fc.Arbitrary<infer P> ? P : never;
interface Timeline {
  anchors: number[];
  periods: { from: number; to: number | null }[];
  now: number;
}
function resolve(p: Pick, { anchors, periods, now }: Timeline): number {
  const anchor = anchors[p.index % Math.max(anchors.length, 1)];
  const period = periods[p.index % Math.max(periods.length, 1)];
  if (p.how === 'anchor' && anchor !== undefined) return anchor + p.delta;
  if (p.how === 'inside' && period !== undefined)
    return Math.round(period.from + p.fraction * ((period.to ?? now) - period.from));
  return Math.round(T0 - 30 * DAY + p.fraction * (now - T0 + 60 * DAY)); // a month either side of [T0, now]
}

/** One exclusion event: its kind (null: a legacy row), its code, and when it was stamped. */
const exclusionEvent = fc.record({
  kind: fc.oneof(
    { weight: 60, arbitrary: fc.constantFrom<string | null>(...KINDS) },
    { weight: 20, arbitrary: fc.constant<string | null>(null) },
    fc.constant<string | null>('SOMETHING_NEW'),
  ),
  // The code its kind records; for a legacy row any of the three; rarely a contradicting or unknown code.
  code: fc.oneof({ weight: 100, arbitrary: fc.constant('OWN') }, fc.constantFrom(...Object.values(CODES)), fc.constant('123456')),
  legacyCode: fc.constantFrom(...Object.values(CODES)),
  // Stamped at a scenario instant, or a clock stepped back behind the previous event, or unreadable.
  at: fc.oneof(
    { weight: 60, arbitrary: pick.map((p) => ({ pick: p })) },
    { weight: 20, arbitrary: fc.oneof(ms(0, 5), ms(1, 60 * DAY)).map((back) => ({ back })) },
    fc.constant({ invalid: true as const }),
  ),
});

const inputs = fc.record({
  start: ms(T0, T0 + 200 * DAY),
  // Periods one after another: a gap of 0 makes a resume at the very instant of the pause.
  segments: fc.oneof(
    {
      weight: 9,
      arbitrary: fc.array(
        fc.record({ gap: fc.oneof(fc.constant(0), ms(1, 5), ms(0, 60 * DAY)), length: fc.oneof(ms(1, 5), ms(1, 120 * DAY)) }),
        { minLength: 1, maxLength: 4 },
      ),
    },
    fc.constant<{ gap: number; length: number }[]>([]),
  ),
  lastOpen: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
  // Mostly the status the periods imply; sometimes any status, an unknown one included.
  status: fc.oneof(
    { weight: 12, arbitrary: fc.constant('CONSISTENT') },
    fc.constantFrom('NOT_SCHEDULED', 'SCHEDULED', 'ENABLED', 'PAUSED', 'DISABLED'),
  ),
  // Sometimes access data the rollout could not have produced, or none at all.
  scramble: fc.oneof({ weight: 18, arbitrary: fc.constant('none') }, fc.constantFrom('reverse', 'overlap', 'missing')),
  nowAfterLast: fc.oneof(fc.constant(0), ms(0, 400 * DAY)),
  nowAnywhere: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, fc.constant(true)),
  // Sometimes the rollout clock is ahead: the last switch-on or pause is stamped a little after our now
  // (a fraction of the tolerance, or just beyond it).
  rolloutAhead: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_000),
  ),
  // Adults, teenagers turning 16 within the timeline, 29 February births and malformed dates
  // (day 29-31 of a short month is malformed too).
  dateOfBirth: fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.oneof({ weight: 3, arbitrary: ms(1981, 2004) }, ms(2005, 2010)), ms(1, 12), ms(1, 31))
        .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
    },
    fc.constantFrom('2004-02-29', '2008-02-29', '2007-02-29', '2007-13-01', 'not a date', ''),
  ),
  registeredAt: fc.oneof(fc.constant('long ago' as const), pick),
  exclusions: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 5, arbitrary: fc.array(exclusionEvent, { minLength: 1, maxLength: 4 }) },
  ),
  // Mostly a history that ends with the clinician's lift and the patient's withdrawal (in either
  // order), so that the patient is not excluded now and what was hidden meanwhile is what counts.
  ending: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(['EXCLUSION_LIFTED', 'DECLINE_WITHDRAWN'], ['DECLINE_WITHDRAWN', 'EXCLUSION_LIFTED']),
    },
    fc.constant([]),
  ),
  endingAt: fc.tuple(exclusionEvent, exclusionEvent).map(([a, b]) => [a.at, b.at]),
  // No disagreement, a few milliseconds, or minutes to days (larger than some periods); rarely malformed.
  toleranceMs: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: ms(1, 5) },
    { weight: 3, arbitrary: fc.constantFrom(60_000, 300_000, 3_600_000, 2 * DAY) },
    fc.constantFrom(-1, Number.NaN, Infinity),
  ),
  type: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...ENTRY_TYPES) }, fc.constant('DOCUMENT')), // a kind this version does not know
  recordedAt: fc.oneof(
    pick,
    pick.map((p) => ({ ...p, how: 'inside' as const })),
  ),
  // Unfiled, filed at some instant (possibly before it was recorded), or filed after recording.
  filed: fc.oneof(fc.constant(null), pick, fc.record({ after: fc.oneof(fc.constant(0), ms(0, 30 * DAY)) })),
  hidden: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true)),
});

const scenarios: fc.Arbitrary<Scenario> = inputs.map((i) => {
  let cursor = i.start;
  const periods = i.segments.map(({ gap, length }): { from: number; to: number | null } => {
    const from = cursor + gap;
    cursor = from + length;
    return { from, to: cursor };
  });
  const last = periods[periods.length - 1];
  if (i.lastOpen && last) last.to = null;
  const previous = periods[periods.length - 2];
  if (i.scramble === 'overlap' && last && previous) last.from = previous.from + 1;
  const consistent =
    last?.to === null ? 'ENABLED' : periods.length > 0 ? (i.start % 2 === 0 ? 'SCHEDULED' : 'PAUSED') : 'NOT_SCHEDULED';
  const tolerance = Number.isSafeInteger(i.toleranceMs) && i.toleranceMs >= 0 ? i.toleranceMs : 0;
  const now = i.nowAnywhere
    ? i.nowAfterLast + T0
    : i.rolloutAhead !== null
      ? (last?.to ?? last?.from ?? cursor) - Math.round(i.rolloutAhead * (tolerance + 2))
      : cursor + i.nowAfterLast;
  const breakpoints = periods.flatMap((p) => (p.to === null ? [p.from] : [p.from, p.to]));
  const registeredAt =
    i.registeredAt === 'long ago'
      ? Date.parse('2012-04-01T09:00:00.000Z')
      : resolve(i.registeredAt, { anchors: breakpoints, periods, now });
  const sixteen = sixteenthBirthday(i.dateOfBirth)?.getTime();
  // Each switch-on and pause, and where it may lie on the other clock.
  const edges = breakpoints.flatMap((b) => [b, b - tolerance, b + tolerance]);
  const anchors = [...edges, now, registeredAt, ...(sixteen === undefined ? [] : [sixteen])];
  const exclusions: RawEvent[] = [];
  const endings =
    i.exclusions.length === 0
      ? []
      : i.ending.map((kind, k) => ({ kind, code: 'OWN', legacyCode: CODES.lifted, at: i.endingAt[k]! }));
  for (const e of [...i.exclusions, ...endings]) {
    const previousAt = exclusions[exclusions.length - 1]?.at;
    const at =
      'invalid' in e.at
        ? NaN
        : 'back' in e.at
          ? (previousAt ?? now) - e.at.back
          : resolve(e.at.pick, { anchors: [...anchors, ...exclusions.map((x) => x.at)], periods, now });
    const code = e.code !== 'OWN' ? e.code : e.kind === null ? e.legacyCode : (CODE_OF[e.kind as Kind] ?? CODES.excluded);
    exclusions.push({ kind: e.kind, code, at });
  }
  const timeline = { anchors: [...anchors, ...exclusions.map((x) => x.at).filter((t) => !Number.isNaN(t))], periods, now };
  const recordedAt = resolve(i.recordedAt, timeline);
  const filedAt = i.filed === null ? null : 'after' in i.filed ? recordedAt + i.filed.after : resolve(i.filed, timeline);
  const iso = (t: number) => new Date(t).toISOString();
  const rawPeriods = periods.map((p) => ({ from: iso(p.from), to: p.to === null ? null : iso(p.to) }));
  return {
    raw:
      i.scramble === 'missing'
        ? undefined
        : {
            accessStatus: i.status === 'CONSISTENT' ? consistent : i.status,
            accessPeriods: i.scramble === 'reverse' ? rawPeriods.reverse() : rawPeriods,
          },
    now,
    dateOfBirth: i.dateOfBirth,
    registeredAt,
    exclusions,
    toleranceMs: i.toleranceMs,
    entry: { type: i.type, recordedAt, filedAt, hidden: i.hidden },
  };
});

// ---------------------------------------------------------------- the scenario through the real rules

function throughTheRules(s: Scenario) {
  const now = new Date(s.now);
  // As the records subgraph reads it (patient-facts.ts), allowing for the rollout clock running ahead.
  const access = parsePracticeAccess(s.raw, now, s.toleranceMs);
  const events: ExclusionEventFacts[] = s.exclusions.map(({ code, kind, at }) => ({ snomedCode: code, kind, at: new Date(at) }));
  const patient: PatientFacts = {
    dateOfBirth: s.dateOfBirth,
    registeredAt: new Date(s.registeredAt),
    exclusion: exclusionHistory(events),
  };
  const entry: EntryFacts = {
    type: s.entry.type as EntryFacts['type'],
    recordedAt: new Date(s.entry.recordedAt),
    filedAt: s.entry.filedAt === null ? null : new Date(s.entry.filedAt),
    hiddenFromPatient: s.entry.hidden,
  };
  const visibility = entryVisibility(entry, patient, access, now, s.toleranceMs);
  return { now, access, patient, entry, visibility };
}

/** A plain entry (never filed, never hidden) available at `at`, in place of the scenario's. */
const plainAt = (at: number): EntryFacts => ({
  type: 'DIAGNOSIS',
  recordedAt: new Date(at),
  filedAt: null,
  hiddenFromPatient: false,
});

const validTolerance = (s: Scenario) => Number.isSafeInteger(s.toleranceMs) && s.toleranceMs >= 0;

const RUNS = { numRuns: 5000 };

describe('entryVisibility agrees with docs/domain.md, over random timelines', () => {
  it('the generated scenarios are not vacuous: each condition decides some of them', () => {
    const sample = fc.sample(scenarios, { numRuns: 4000, seed: 42 });
    const failures = sample.map(oracleFailures);
    expect(failures.filter((f) => f.length === 0).length).toBeGreaterThan(300);
    expect(failures.filter((f) => f.length > 0).length).toBeGreaterThan(300);
    // Scenarios where exactly this one condition hides the entry: the oracle's finer points are exercised.
    const alone = (condition: string) => failures.filter((f) => f.length === 1 && f[0] === condition).length;
    expect(alone('2 too near a boundary for two clocks')).toBeGreaterThan(50);
    expect(alone('6 excluded when available')).toBeGreaterThan(20);
    expect(alone('6 excluded now')).toBeGreaterThan(10);
    expect(alone('2 outside access periods')).toBeGreaterThan(50);
    // And histories with every kind of event, legacy rows and clocks stepping back.
    const events = sample.flatMap((s) => s.exclusions);
    for (const kind of [...KINDS, null]) expect(events.filter((e) => e.kind === kind).length).toBeGreaterThan(50);
    const steppedBack = sample.filter((s) => s.exclusions.some((e, k) => k > 0 && e.at < s.exclusions[k - 1]!.at));
    expect(steppedBack.length).toBeGreaterThan(50);
    // And access stamped by a rollout clock running ahead of ours, usable all the same.
    const ahead = sample.filter(
      (s, k) =>
        s.raw !== undefined &&
        oraclePeriods(s).some((p) => Math.max(p.from, p.to === Infinity ? p.from : p.to) > s.now) &&
        !failures[k]!.includes('access data unusable'),
    );
    expect(ahead.length).toBeGreaterThan(50);
  });

  it('the oracle’s London clock agrees with the rule’s 16th birthday', () => {
    fc.assert(
      fc.property(inputs, ({ dateOfBirth }) => {
        expect(sixteenthBirthday(dateOfBirth)?.getTime() ?? null).toBe(oracleSixteenthBirthday(dateOfBirth));
      }),
      RUNS,
    );
  });

  it('an entry is visible exactly when the oracle, reading the conditions literally, says so', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        expect(throughTheRules(s).visibility.visible).toBe(oracleVisible(s));
      }),
      RUNS,
    );
  });

  it('the exclusion history agrees with the oracle: excluded now, and at each instant of the timeline', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { patient } = throughTheRules(s);
        expect(patient.exclusion.excluded).toBe(oracleExcludedNow(s.exclusions));
        const probes = s.exclusions.flatMap((e) => [e.at - 1, e.at, e.at + 1]).filter((t) => !Number.isNaN(t));
        for (const t of [...probes, s.entry.recordedAt]) {
          const inGap = patient.exclusion.gaps.some((g) => g.from <= t && (g.to === null || t < g.to));
          expect({ t, inGap }).toEqual({ t, inGap: oracleExcludedDuring(s.exclusions, t) });
        }
      }),
      RUNS,
    );
  });

  it('an entry hidden only by a clock boundary or by an exclusion when it became available says so, and only that', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const failures = oracleFailures(s);
        if (failures.length !== 1) return;
        const { reasons } = throughTheRules(s).visibility;
        if (failures[0] === '2 too near a boundary for two clocks') expect(reasons).toEqual(['NEAR_ACCESS_BOUNDARY']);
        if (failures[0] === '6 excluded when available') expect(reasons).toEqual(['EXCLUDED_WHEN_AVAILABLE']);
        if (failures[0] === '6 excluded now') expect(reasons).toEqual(['PATIENT_EXCLUDED']);
      }),
      RUNS,
    );
  });

  it('reasons are empty exactly when visible, in the fixed order, without repeats', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { visible, reasons } = throughTheRules(s).visibility;
        expect(reasons.length === 0).toBe(visible);
        const positions = reasons.map((r) => NOT_VISIBLE_REASONS.indexOf(r));
        expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
      }),
      RUNS,
    );
  });
});

describe('visibleWindow is the same rule in the form SQL needs', () => {
  it('an entry passes the window (plus not hidden, available instant known) if and only if it is visible', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { now, access, patient, visibility } = throughTheRules(s);
        const window = visibleWindow(patient, access, now, s.toleranceMs);
        const t = oracleAvailable(s.entry);
        // Literally the WHERE clause of entry-queries.ts (the stored row being consistent).
        const kept =
          window !== null &&
          t !== null &&
          s.entry.hidden === false &&
          t <= window.notAfter.getTime() &&
          window.stretches.some((stretch) => t >= stretch.from && (stretch.to === null || t < stretch.to));
        expect(kept).toBe(visibility.visible);
      }),
      RUNS,
    );
  });

  it('the stretches are ascending, non-empty and apart; probed at their edges, they keep exactly what the rule shows', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { now, access, patient } = throughTheRules(s);
        const window = visibleWindow(patient, access, now, s.toleranceMs);
        if (window === null) return;
        window.stretches.forEach((stretch, k) => {
          expect(stretch.to === null || stretch.from < stretch.to).toBe(true);
          const next = window.stretches[k + 1];
          if (next) expect(stretch.to !== null && stretch.to <= next.from).toBe(true);
        });
        const edges = window.stretches.flatMap((x) => (x.to === null ? [x.from] : [x.from, x.to]));
        for (const t of edges.flatMap((e) => [e - 1, e, e + 1])) {
          const kept = t <= now.getTime() && window.stretches.some((x) => t >= x.from && (x.to === null || t < x.to));
          const { visible } = entryVisibility(plainAt(t), patient, access, now, s.toleranceMs);
          expect({ t, kept }).toEqual({ t, kept: visible });
        }
      }),
      RUNS,
    );
  });
});

describe('onlineAccess tells the patient what the rule does (docs/domain.md "What the patient is told")', () => {
  it('its state is the oracle’s: paused (even with a resume planned), not yet switched on, excluded, under 16, visible', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { now, access, patient } = throughTheRules(s);
        if (access === null || !validTolerance(s)) return;
        const { state } = onlineAccess(patient, access, now, s.toleranceMs);
        const sixteen = oracleSixteenthBirthday(s.dateOfBirth);
        const expected =
          access.status === 'PAUSED' || (access.status === 'SCHEDULED' && s.raw!.accessPeriods.length > 0)
            ? 'PRACTICE_PAUSED'
            : access.status !== 'ENABLED'
              ? 'NOT_YET_SWITCHED_ON'
              : oracleExcludedNow(s.exclusions)
                ? 'PATIENT_EXCLUDED'
                : sixteen === null || s.now < sixteen
                  ? 'UNDER_16'
                  : 'VISIBLE';
        expect(state).toBe(expected);
      }),
      RUNS,
    );
  });

  it('nothing before visibleFrom, between or outside visiblePeriods is visible; everything inside them up to now is, when VISIBLE', () => {
    fc.assert(
      fc.property(scenarios, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }), (s, fractions) => {
        const { now, access, patient, entry, visibility } = throughTheRules(s);
        if (access === null || !validTolerance(s)) return;
        const { state, visibleFrom, visiblePeriods } = onlineAccess(patient, access, now, s.toleranceMs);
        const periods = visiblePeriods.map((p) => ({ from: p.from.getTime(), to: p.to === null ? Infinity : p.to.getTime() }));
        const insideSome = (t: number) => periods.some((p) => p.from <= t && t < p.to);
        // The patient's own entry: visible only when VISIBLE, on or after visibleFrom, inside a period.
        if (visibility.visible) {
          expect(state).toBe('VISIBLE');
          const t = oracleAvailable(s.entry)!;
          expect(t).toBeGreaterThanOrEqual(visibleFrom!.getTime());
          expect(insideSome(t)).toBe(true);
        }
        expect(visibleFrom?.getTime() ?? null).toBe(periods[0]?.from ?? null);
        // Probes: every edge of every period give or take 1 ms, and instants spread inside each period.
        const probes = periods.flatMap((p) => {
          const end = Math.min(p.to, s.now + 1);
          const spread = end > p.from ? fractions.map((f) => Math.floor(p.from + f * (end - 1 - p.from))) : [];
          return [p.from - 1, p.from, p.from + 1, p.to - 1, p.to, p.to + 1, ...spread].filter(Number.isFinite);
        });
        for (const t of [...probes, entry.recordedAt.getTime(), s.now]) {
          const { visible } = entryVisibility(plainAt(t), patient, access, now, s.toleranceMs);
          const promised = state === 'VISIBLE' && t <= s.now && insideSome(t);
          // Never visible before visibleFrom, in a gap or outside every period; always visible inside one.
          expect({ t, visible }).toEqual({ t, visible: promised });
        }
      }),
      RUNS,
    );
  });

  it('visibleFrom is the earliest instant an entry can be shown: when it has come, a plain entry there is visible and 1 ms before it is not', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { now, access, patient } = throughTheRules(s);
        if (access === null || !validTolerance(s)) return;
        const { state, visibleFrom } = onlineAccess(patient, access, now, s.toleranceMs);
        if (state !== 'VISIBLE' || visibleFrom === null || visibleFrom.getTime() > s.now) return;
        const at = visibleFrom.getTime();
        expect(entryVisibility(plainAt(at), patient, access, now, s.toleranceMs).visible).toBe(true);
        expect(entryVisibility(plainAt(at - 1), patient, access, now, s.toleranceMs).visible).toBe(false);
      }),
      RUNS,
    );
  });
});
