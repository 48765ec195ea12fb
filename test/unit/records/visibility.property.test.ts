import fc from 'fast-check';
import { isExcluded, type ExclusionEventFacts } from '../../../subgraphs/records/domain/exclusion';
import { onlineAccess } from '../../../subgraphs/records/domain/online-access';
import { parsePracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import { sixteenthBirthday } from '../../../subgraphs/records/domain/sixteenth-birthday';
import {
  availableAt,
  entryVisibility,
  NOT_VISIBLE_REASONS,
  type EntryFacts,
  type PatientFacts,
} from '../../../subgraphs/records/domain/visibility';
import { visibleWindow } from '../../../subgraphs/records/domain/visible-window';

/*
 * The rule checked against an oracle written again, separately and as literally as possible,
 * from DOMAIN.md "Who sees what". The oracle works on the raw inputs (federation JSON, ISO
 * strings, SNOMED codes, a date-of-birth string) with its own London clock (the UK summer-time
 * rule since 1996), so a mistake shared by the two would have to be made twice, differently.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2022-10-01T00:00:00.000Z');
const CODES = { excluded: '1364731000000104', lifted: '1364751000000106', declined: '1290331000000103' };

interface RawPeriod {
  from: string;
  to: string | null;
}
interface Scenario {
  raw: { accessStatus: string; accessPeriods: RawPeriod[] } | undefined;
  now: number;
  dateOfBirth: string;
  registeredAt: number;
  exclusions: { code: string; at: number }[];
  entry: { type: string; recordedAt: number; filedAt: number | null; hidden: boolean };
}

// ---------------------------------------------------------------- the oracle

/** "Anything unknown, missing, null or malformed": a history the rollout could never produce. */
function oracleAccessIsSound(status: string, periods: { from: number; to: number }[], now: number): boolean {
  if (!['NOT_SCHEDULED', 'SCHEDULED', 'ENABLED', 'PAUSED'].includes(status)) return false;
  const open = periods.filter((p) => p.to === Infinity);
  if (status === 'ENABLED' && !(open.length === 1 && periods[periods.length - 1]?.to === Infinity)) return false;
  if (status !== 'ENABLED' && open.length > 0) return false;
  if (status === 'NOT_SCHEDULED' && periods.length > 0) return false;
  let previousEnd = -Infinity;
  for (const p of periods) {
    if (!(p.from >= previousEnd && p.from < p.to && p.from <= now && (p.to === Infinity || p.to <= now))) return false;
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

function oracleExcluded(events: { code: string; at: number }[]): boolean {
  if (events.some((e) => !Object.values(CODES).includes(e.code))) return true;
  const latestLast = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const latest = latestLast[latestLast.length - 1];
  return latest !== undefined && latest.code !== CODES.lifted; // 104 and 103 exclude, 106 lifts
}

function oracleVisible(s: Scenario): boolean {
  if (s.raw === undefined) return false; // missing access data
  const periods = s.raw.accessPeriods.map((p) => ({ from: Date.parse(p.from), to: p.to === null ? Infinity : Date.parse(p.to) }));
  if (!oracleAccessIsSound(s.raw.accessStatus, periods, s.now)) return false;
  // 1. The practice's access status is ENABLED at this moment.
  if (s.raw.accessStatus !== 'ENABLED') return false;
  // 4. Test results and clinical letters count from the moment a clinician filed them.
  const { type, recordedAt, filedAt } = s.entry;
  if (!['APPOINTMENT', 'TEST_RESULT', 'CLINICAL_LETTER', 'CONSULTATION_NOTE', 'DIAGNOSIS', 'MEDICATION'].includes(type))
    return false;
  let available = recordedAt;
  if (type === 'TEST_RESULT' || type === 'CLINICAL_LETTER') {
    if (filedAt === null || filedAt < recordedAt) return false; // unfiled, or filed before it existed (malformed)
    available = filedAt;
  }
  if (available > s.now) return false; // has not happened yet
  // 2. It became available inside an access period: on or after a switch-on, before the next pause.
  if (!periods.some((p) => p.from <= available && available < p.to)) return false;
  // 3. On or after registration at this practice and on or after the 16th birthday.
  if (available < s.registeredAt) return false;
  const sixteen = oracleSixteenthBirthday(s.dateOfBirth);
  if (sixteen === null || available < sixteen) return false;
  // 5. Not marked "do not show online".
  if (s.entry.hidden) return false;
  // 6. Not excluded (the latest code wins).
  return !oracleExcluded(s.exclusions);
}

// ---------------------------------------------------------------- the generators

const ms = (min: number, max: number) => fc.integer({ min, max });
/** An instant: one of the scenario's own instants give or take 1 ms, one inside a period, or anywhere. */
const pick = fc.record({
  how: fc.constantFrom('anchor', 'inside', 'anywhere'),
  index: fc.nat(),
  delta: fc.constantFrom(-1, 0, 1),
  fraction: fc.double({ min: 0, max: 1, noNaN: true }),
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
    { weight: 4, arbitrary: fc.constant<{ code: string; at: number }[]>([]) },
    // Few distinct days, so that ties of `at` happen.
    fc.array(
      fc.record({
        code: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...Object.values(CODES)) }, fc.constant('123456')),
        at: ms(0, 3),
      }),
      { maxLength: 3 },
    ),
  ),
  type: fc.oneof(
    {
      weight: 20,
      arbitrary: fc.constantFrom('APPOINTMENT', 'TEST_RESULT', 'CLINICAL_LETTER', 'CONSULTATION_NOTE', 'DIAGNOSIS', 'MEDICATION'),
    },
    fc.constant('DOCUMENT'), // a kind this version does not know
  ),
  recordedAt: pick,
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
  const now = i.nowAnywhere ? i.nowAfterLast + T0 : cursor + i.nowAfterLast;
  const breakpoints = periods.flatMap((p) => (p.to === null ? [p.from] : [p.from, p.to]));
  const registeredAt =
    i.registeredAt === 'long ago'
      ? Date.parse('2012-04-01T09:00:00.000Z')
      : resolve(i.registeredAt, { anchors: breakpoints, periods, now });
  const sixteen = sixteenthBirthday(i.dateOfBirth)?.getTime();
  const anchors = [...breakpoints, now, registeredAt, ...(sixteen === undefined ? [] : [sixteen])];
  const timeline = { anchors, periods, now };
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
    exclusions: i.exclusions.map(({ code, at }) => ({ code, at: T0 + at * DAY })),
    entry: { type: i.type, recordedAt, filedAt, hidden: i.hidden },
  };
});

// ---------------------------------------------------------------- the scenario through the real rules

function throughTheRules(s: Scenario) {
  const now = new Date(s.now);
  const access = parsePracticeAccess(s.raw, now);
  const events: ExclusionEventFacts[] = s.exclusions.map(({ code, at }) => ({ snomedCode: code, at: new Date(at) }));
  const patient: PatientFacts = {
    dateOfBirth: s.dateOfBirth,
    registeredAt: new Date(s.registeredAt),
    excluded: isExcluded(events),
  };
  const entry: EntryFacts = {
    type: s.entry.type as EntryFacts['type'],
    recordedAt: new Date(s.entry.recordedAt),
    filedAt: s.entry.filedAt === null ? null : new Date(s.entry.filedAt),
    hiddenFromPatient: s.entry.hidden,
  };
  return { now, access, patient, entry, visibility: entryVisibility(entry, patient, access, now) };
}

const RUNS = { numRuns: 5000 };

describe('entryVisibility agrees with DOMAIN.md, over random timelines', () => {
  it('the generated scenarios are not vacuous: many entries are visible and many are not', () => {
    const verdicts = fc.sample(scenarios, { numRuns: 3000, seed: 42 }).map(oracleVisible);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(300);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(300);
  });

  it('the oracle’s London clock agrees with the rule’s 16th birthday', () => {
    fc.assert(
      fc.property(inputs, ({ dateOfBirth }) => {
        expect(sixteenthBirthday(dateOfBirth)?.getTime() ?? null).toBe(oracleSixteenthBirthday(dateOfBirth));
      }),
      RUNS,
    );
  });

  it('an entry is visible exactly when the oracle, reading the six conditions literally, says so', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        expect(throughTheRules(s).visibility.visible).toBe(oracleVisible(s));
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
        const { now, access, patient, entry, visibility } = throughTheRules(s);
        const window = visibleWindow(patient, access, now);
        const t = availableAt(entry)?.getTime() ?? null;
        // Literally the WHERE clause of entry-queries.ts.
        const kept =
          window !== null &&
          t !== null &&
          entry.hiddenFromPatient === false &&
          t >= window.notBefore.getTime() &&
          t <= window.notAfter.getTime() &&
          window.periods.some((p) => t >= p.from.getTime() && (p.to === null || t < p.to.getTime()));
        expect(kept).toBe(visibility.visible);
      }),
      RUNS,
    );
  });
});

describe('onlineAccess tells the patient what the rule does', () => {
  it('unless VISIBLE, no entry is visible; when VISIBLE, a plain entry available between visibleFrom and now is', () => {
    fc.assert(
      fc.property(scenarios, ms(0, 400 * DAY), (s, offset) => {
        const { now, access, patient, entry, visibility } = throughTheRules(s);
        if (access === null) return;
        const { state, visibleFrom } = onlineAccess(patient, access, now);
        if (state !== 'VISIBLE') {
          expect(visibility.visible).toBe(false);
          return;
        }
        expect(visibleFrom).not.toBeNull();
        const from = visibleFrom!.getTime();
        if (from > now.getTime()) return; // registered in the future: nothing to show yet
        const at = new Date(Math.min(from + offset, now.getTime()));
        const plain = { ...entry, type: 'DIAGNOSIS' as const, recordedAt: at, filedAt: null, hiddenFromPatient: false };
        expect(entryVisibility(plain, patient, access, now)).toEqual({ visible: true, reasons: [] });
      }),
      RUNS,
    );
  });
});
