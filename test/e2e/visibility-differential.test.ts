import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { namedQuery } from '../../subgraphs/runtime/named-query';
import { decodeCursor, encodeCursor } from '../../subgraphs/runtime/pagination';
import { exclusionHistory, SNOMED_CODE_OF, type ExclusionKind } from '../../subgraphs/records/domain/exclusion';
import type { PracticeAccess } from '../../subgraphs/records/domain/practice-access';
import { RECORD_ENTRY_TYPES, type RecordEntryType } from '../../subgraphs/records/domain/record-entry-type';
import { sixteenthBirthday } from '../../subgraphs/records/domain/sixteenth-birthday';
import { availableAt, entryVisibility, type PatientFacts } from '../../subgraphs/records/domain/visibility';
import { visibleWindow, type VisibleWindow } from '../../subgraphs/records/domain/visible-window';
import type { ChangeAction, ChangeLogRow } from '../../subgraphs/records/entities/change-log';
import { RecordEntryEntity, type RecordEntryRow } from '../../subgraphs/records/entities/record-entry';
import { patientViewCounts, patientViewPages, type PatientViewQuery } from '../../subgraphs/records/store/entry-queries';
import { exclusionFacts, RecordsStore } from '../../subgraphs/records/store/records-store';
import { recordsDatabase } from '../../subgraphs/records/server';
import { testNhsNumbers } from '../helpers/bulk-records';
import { databaseKind, openFreshDatabase, type FreshDatabase } from '../helpers/database';

/**
 * The patient view's SQL (entry-queries.ts) run for real against the pure rule (entryVisibility)
 * it is meant to be. Random timelines are written through the store (registrations, entries at
 * chosen instants, filings, redactions, all four kinds of exclusion event and legacy kind-less
 * ones) into a migrated database, SQLite or, with TEST_DATABASE_URL, PostgreSQL, together with
 * rows typed in at a SQL prompt that are inconsistent (an unknown type, available_at not what
 * the filing or recording says, filed before recorded, available_at on an unfiled result) and
 * exclusion events stamped by a clock that stepped back. Then, for every patient, every page of
 * every size from 1 to 5, followed through the keyset cursor as record-views.ts follows it, with
 * and without type filters, and the count, must be exactly the rule's verdict on all of the
 * patient's entries, read back with a plain SELECT, in the view's order.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.parse('2023-02-01T00:00:00.000Z');
const FILED_TYPES: RecordEntryType[] = ['TEST_RESULT', 'CLINICAL_LETTER'];
const NUM_RUNS = 80;

// ---------------------------------------------------------------- the generators

const ms = (min: number, max: number) => fc.integer({ min, max });
/** Spread evenly: fast-check would otherwise favour the ends of a range of days. */
const spread = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));
/** An instant: one of the timeline's own (a boundary, where it may lie on the other clock, now, a registration, a birthday, an exclusion) give or take 1 ms, or anywhere. */
const pick = fc.record({
  how: fc.constantFrom('anchor', 'anchor', 'inside', 'inside', 'inside', 'anywhere'),
  index: fc.noBias(fc.nat()),
  delta: fc.constantFrom(-1, 0, 0, 1),
  // Spread evenly over [0, 1] (fc.double favours tiny values, fc.integer the ends of its range).
  fraction: fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_000),
});
type Pick = typeof pick extends fc.Arbitrary<infer P> ? P : never;

const entryType = fc.constantFrom<RecordEntryType>(...RECORD_ENTRY_TYPES);
const exclusionKind = fc.constantFrom<ExclusionKind>('EXCLUDED', 'EXCLUSION_LIFTED', 'ACCESS_DECLINED', 'DECLINE_WITHDRAWN');
const CODES = [SNOMED_CODE_OF.EXCLUDED, SNOMED_CODE_OF.EXCLUSION_LIFTED, SNOMED_CODE_OF.ACCESS_DECLINED];
/** What an exclusion event records: a kind, or (a row from before kinds were kept) a code alone. */
type Recorded = ExclusionKind | { legacy: string };
const legacy = (codes: string[]): fc.Arbitrary<Recorded> => fc.constantFrom(...codes).map((code) => ({ legacy: code }));
const recordedKind: fc.Arbitrary<Recorded> = exclusionKind;
const kindAndCode = (what: Recorded): { kind: ExclusionKind | null; code: string } =>
  typeof what === 'string' ? { kind: what, code: SNOMED_CODE_OF[what] } : { kind: null, code: what.legacy };

/** Rows written at a SQL prompt, past the service, that no write of the service produces. */
const PLANTED = [
  'unknown type',
  'available_at not the recording',
  'available_at not the filing',
  'available_at null',
  'filed before recorded',
  'unfiled with available_at',
  'filed though never filed',
] as const;

const operation = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      type: entryType,
      // Anywhere, mostly inside an access period or at an instant of the timeline.
      at: fc.oneof(pick, ...(['inside', 'anchor'] as const).map((how) => pick.map((p): Pick => ({ ...p, how })))),
      hidden: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, fc.constant(true)),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('file' as const),
      which: fc.nat(),
      // At a timeline instant, some time after the recording, or (a clock stepped back) before it.
      at: fc.oneof(
        pick.map((p) => ({ pick: p })),
        spread(0, DAY).map((after) => ({ after })),
        ms(1, HOUR).map((before) => ({ before })),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hide' as const), which: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('exclusion' as const),
      // A kind, or a row from before kinds were kept (its code says what it did).
      what: fc.oneof({ weight: 4, arbitrary: recordedKind }, legacy(CODES)),
      at: pick,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('stepped-back exclusion' as const),
      what: fc.oneof(
        { weight: 16, arbitrary: recordedKind },
        { weight: 4, arbitrary: legacy(CODES) },
        legacy(['123456']), // unknown: nothing is ever shown
      ),
      back: fc.oneof(ms(0, 2), spread(1, 10 * DAY)),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('planted' as const),
      flavour: fc.constantFrom(...PLANTED),
      at: pick,
      other: pick,
      hidden: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
    }),
  },
);
type Operation = typeof operation extends fc.Arbitrary<infer O> ? O : never;

const patientPlan = fc.record({
  dateOfBirth: fc.oneof(
    { weight: 5, arbitrary: fc.constant({ fixed: '1980-06-15' }) },
    { weight: 1, arbitrary: fc.constant({ fixed: '2015-01-01' }) },
    // Turning 16 on a day of the timeline, near one of its instants.
    { weight: 2, arbitrary: fc.record({ sixteenNear: pick, days: ms(-1, 1) }) },
  ),
  registeredAt: fc.oneof({ weight: 2, arbitrary: fc.constant('long ago' as const) }, { weight: 1, arbitrary: pick }),
  operations: fc.array(operation, { minLength: 1, maxLength: 30, size: 'max' }),
  // Half the patients are never excluded.
  excludable: fc.boolean(),
  // Last, entries at the very edges of the stretches the patient's view is made of (and of now), give or take 1 ms.
  edgeProbes: fc.array(fc.record({ index: fc.noBias(fc.nat()), delta: fc.constantFrom(-1, 0, 1), type: entryType }), {
    maxLength: 6,
  }),
  // Mostly, at the end, the clinician's lift and the patient's withdrawal (in either order), so
  // that the patient is not excluded now and what was hidden meanwhile is what counts.
  ending: fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.boolean(), pick, pick)
        .map(([order, a, b]) =>
          (order
            ? (['EXCLUSION_LIFTED', 'DECLINE_WITHDRAWN'] as const)
            : (['DECLINE_WITHDRAWN', 'EXCLUSION_LIFTED'] as const)
          ).map((what: Recorded, k) => ({ op: 'exclusion' as const, what, at: k === 0 ? a : b })),
        ),
    },
    fc.constant([]),
  ),
});

const cases = fc.record({
  segments: fc.array(
    fc.record({
      // A resume at the very instant of the pause, a few ms later, or hours to days later.
      gap: fc.oneof(fc.constant(0), ms(1, 3), spread(HOUR, 10 * DAY)),
      length: fc.oneof({ weight: 1, arbitrary: ms(1, 5) }, { weight: 6, arbitrary: spread(HOUR, 30 * DAY) }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  start: spread(0, 10 * DAY),
  lastOpen: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, fc.constant(false)),
  pausedStatus: fc.constantFrom<PracticeAccess['status']>('PAUSED', 'SCHEDULED'),
  nowAfterLast: fc.oneof(fc.constant(0), ms(1, 3), { weight: 6, arbitrary: spread(HOUR, 20 * DAY) }),
  toleranceMs: fc.constantFrom(0, 0, 1, 2, 60_000, HOUR),
  // Sometimes the rollout clock runs ahead of ours: the last switch-on or pause is stamped up to
  // the tolerance after our now.
  rolloutAhead: fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_000),
  ),
  patients: fc.array(patientPlan, { minLength: 1, maxLength: 3 }),
  typeFilter: fc.subarray([...RECORD_ENTRY_TYPES], { minLength: 1, maxLength: 4 }),
});
type Case = typeof cases extends fc.Arbitrary<infer C> ? C : never;

// ---------------------------------------------------------------- writing a case

const londonDate = (t: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(t));

interface Timeline {
  access: PracticeAccess;
  now: number;
  toleranceMs: number;
  boundaries: number[];
}

function timelineOf(c: Case): Timeline {
  let cursor = BASE + c.start;
  const periods: { from: Date; to: Date | null }[] = c.segments.map(({ gap, length }) => {
    const from = cursor + gap;
    cursor = from + length;
    return { from: new Date(from), to: new Date(cursor) };
  });
  const last = periods[periods.length - 1]!;
  if (c.lastOpen) last.to = null;
  const boundaries = periods.flatMap((p) => (p.to === null ? [p.from.getTime()] : [p.from.getTime(), p.to.getTime()]));
  const latest = Math.max(...boundaries);
  const now = c.rolloutAhead > 0 ? latest - Math.round(c.rolloutAhead * c.toleranceMs) : latest + c.nowAfterLast;
  return { access: { status: c.lastOpen ? 'ENABLED' : c.pausedStatus, periods }, now, toleranceMs: c.toleranceMs, boundaries };
}

function resolve(p: Pick, anchors: readonly number[], t: Timeline): number {
  const anchor = anchors[p.index % anchors.length];
  const period = t.access.periods[p.index % t.access.periods.length]!;
  if (p.how === 'anchor' && anchor !== undefined) return anchor + p.delta;
  if (p.how === 'inside') {
    const [from, to] = [period.from.getTime(), period.to?.getTime() ?? t.now];
    return Math.round(from + p.fraction * (to - from));
  }
  const from = BASE - 5 * DAY;
  return Math.round(from + p.fraction * (t.now + DAY - from));
}

const change = (action: ChangeAction, nhsNumber: string, at: number): ChangeLogRow => ({
  at: new Date(at),
  requestId: 'visibility-differential',
  actorRole: 'clinician',
  actorId: 'A81001:differential',
  action,
  nhsNumber,
  entryId: null,
  clientId: null,
});

const EXCLUSION_ACTIONS: Record<ExclusionKind, ChangeAction> = {
  EXCLUDED: 'EXCLUSION_SET',
  EXCLUSION_LIFTED: 'EXCLUSION_LIFTED',
  ACCESS_DECLINED: 'ACCESS_DECLINED',
  DECLINE_WITHDRAWN: 'ACCESS_DECLINE_WITHDRAWN',
};

/** Writes one patient's timeline: through the store, but for the planted rows and stepped-back events. */
async function writePatient(
  store: RecordsStore,
  nhsNumber: string,
  plan: Case['patients'][number],
  t: Timeline,
): Promise<{ dateOfBirth: string }> {
  // Where each switch-on and pause may lie on the records clock: the edges of the stretches shown.
  const edges = t.boundaries.flatMap((b) => [b - t.toleranceMs, b + t.toleranceMs]);
  const base = [...edges, t.now];
  const dateOfBirth =
    'fixed' in plan.dateOfBirth
      ? plan.dateOfBirth.fixed
      : (() => {
          const near = resolve(plan.dateOfBirth.sixteenNear, base, t) + plan.dateOfBirth.days * DAY;
          const [y, m, d] = londonDate(near).split('-');
          return `${Number(y) - 16}-${m}-${d}`;
        })();
  const registeredAt =
    plan.registeredAt === 'long ago' ? Date.parse('2012-04-01T09:00:00.000Z') : resolve(plan.registeredAt, base, t);
  const sixteen = sixteenthBirthday(dateOfBirth)?.getTime();
  const anchors = [...base, registeredAt, ...(sixteen === undefined ? [] : [sixteen])];
  await store.registerNew(
    { nhsNumber, odsCode: 'A81001', dateOfBirth, registeredAt: new Date(registeredAt) },
    change('PATIENT_REGISTERED', nhsNumber, registeredAt),
  );
  const entries: { id: string; type: RecordEntryType; recordedAt: number; filedAt: number | null }[] = [];
  let lastEventAt: number | null = null;
  const excluding = (op: Operation) => op.op === 'exclusion' || op.op === 'stepped-back exclusion';
  const operations = [...plan.operations, ...plan.ending].filter((op) => plan.excludable || !excluding(op));
  for (const op of operations) {
    const at = (p: Pick) => resolve(p, anchors, t);
    switch (op.op) {
      case 'add': {
        const recordedAt = at(op.at);
        const facts = { type: op.type, recordedAt: new Date(recordedAt), filedAt: null, hiddenFromPatient: op.hidden };
        // As addRecordEntry writes it: available when recorded, results and letters once filed.
        const row = await store.addEntry(
          {
            ...facts,
            nhsNumber,
            title: `${op.type} at ${recordedAt}`,
            body: 'b',
            availableAt: availableAt(facts),
            hiddenReason: op.hidden ? 'third-party information' : null,
            recordedBy: 'A81001:differential',
          },
          change('ENTRY_ADDED', nhsNumber, recordedAt),
        );
        entries.push({ id: row.id, type: op.type, recordedAt, filedAt: null });
        break;
      }
      case 'file': {
        // Mostly one not filed yet; once all are, filed again (the store allows it; the API only after a clock step back).
        const filed = entries.filter((e) => FILED_TYPES.includes(e.type));
        const unfiled = filed.filter((e) => e.filedAt === null);
        const pool = unfiled.length > 0 ? unfiled : filed;
        const entry = pool[op.which % Math.max(pool.length, 1)];
        if (!entry) break;
        const when =
          'pick' in op.at ? at(op.at.pick) : 'after' in op.at ? entry.recordedAt + op.at.after : entry.recordedAt - op.at.before;
        const seen = entry.filedAt === null ? null : new Date(entry.filedAt);
        if (await store.fileEntry(entry.id, seen, new Date(when), change('ENTRY_FILED', nhsNumber, when))) entry.filedAt = when;
        break;
      }
      case 'hide': {
        const entry = entries[op.which % Math.max(entries.length, 1)];
        if (entry) await store.hideEntry(entry.id, 'safeguarding', change('ENTRY_HIDDEN', nhsNumber, t.now));
        break;
      }
      case 'exclusion': {
        const { kind, code } = kindAndCode(op.what);
        const written = await store.addExclusionEvent(
          { nhsNumber, snomedCode: code, kind, at: new Date(at(op.at)), reason: null, recordedBy: 'A81001:differential' },
          change(kind ? EXCLUSION_ACTIONS[kind] : 'EXCLUSION_SET', nhsNumber, t.now),
        );
        lastEventAt = written.at.getTime();
        anchors.push(lastEventAt);
        break;
      }
      case 'stepped-back exclusion': {
        // Written past the store, which would have stamped it no earlier than the latest event.
        const { kind, code } = kindAndCode(op.what);
        const stamped: number = (lastEventAt ?? t.now) - op.back;
        await namedQuery(
          store.dataSource,
          'INSERT INTO exclusion_event (nhs_number, snomed_code, kind, at, reason, recorded_by) VALUES (:nhs, :code, :kind, :at, NULL, :by)',
          { nhs: nhsNumber, code, kind, at: stamped, by: 'dba' },
        );
        lastEventAt = stamped;
        anchors.push(stamped);
        break;
      }
      case 'planted':
        await plant(store, nhsNumber, op, at(op.at), at(op.other));
        break;
    }
  }
  // Where the SQL's bounds decide: each edge of the window the rule makes of what was written.
  const [patient] = await store.patientsByNhsNumber([nhsNumber]);
  const events = (await store.exclusions([nhsNumber])).get(nhsNumber) ?? [];
  const facts = { dateOfBirth, registeredAt: patient!.registeredAt, exclusion: exclusionHistory(exclusionFacts(events)) };
  const window = visibleWindow(facts, t.access, new Date(t.now), t.toleranceMs);
  const windowEdges = [t.now, ...(window?.stretches.flatMap((x) => (x.to === null ? [x.from] : [x.from, x.to])) ?? [])];
  for (const probe of plan.edgeProbes) {
    const recordedAt = windowEdges[probe.index % windowEdges.length]! + probe.delta;
    const filedAt = FILED_TYPES.includes(probe.type) ? recordedAt : null;
    await store.addEntry(
      {
        type: probe.type,
        recordedAt: new Date(recordedAt),
        filedAt: filedAt === null ? null : new Date(filedAt),
        availableAt: new Date(recordedAt),
        hiddenFromPatient: false,
        nhsNumber,
        title: `edge probe ${probe.type} at ${recordedAt}`,
        body: 'b',
        hiddenReason: null,
        recordedBy: 'A81001:differential',
      },
      change('ENTRY_ADDED', nhsNumber, recordedAt),
    );
  }
  return { dateOfBirth };
}

/** A row typed in at a SQL prompt whose stored facts disagree with each other. */
async function plant(
  store: RecordsStore,
  nhsNumber: string,
  op: Extract<Operation, { op: 'planted' }>,
  at: number,
  other: number,
): Promise<void> {
  const differs = (x: number) => (other === x ? x + 1 : other);
  const row = ((): { type: string; recorded: number; filed: number | null; available: number | null } => {
    switch (op.flavour) {
      case 'unknown type':
        return { type: 'DOCUMENT', recorded: at, filed: null, available: at };
      case 'available_at not the recording':
        return { type: 'DIAGNOSIS', recorded: other === at ? at - 1 : other, filed: null, available: at };
      case 'available_at not the filing':
        return { type: 'CLINICAL_LETTER', recorded: Math.min(at, other) - 1, filed: differs(at), available: at };
      case 'available_at null':
        return { type: 'APPOINTMENT', recorded: at, filed: null, available: null };
      case 'filed before recorded':
        return {
          type: 'TEST_RESULT',
          recorded: Math.max(at, other) + 1,
          filed: Math.min(at, other),
          available: Math.min(at, other),
        };
      case 'unfiled with available_at':
        return { type: 'TEST_RESULT', recorded: Math.min(at, other), filed: null, available: at };
      case 'filed though never filed':
        return { type: 'MEDICATION', recorded: differs(at), filed: at, available: at };
    }
  })();
  await namedQuery(
    store.dataSource,
    `INSERT INTO record_entry (id, nhs_number, type, title, body, recorded_at, filed_at, available_at, hidden_from_patient, hidden_reason, recorded_by)
     VALUES (:id, :nhs, :type, :title, 'b', :recorded, :filed, :available, :hidden, :reason, 'dba')`,
    {
      id: randomUUID(),
      nhs: nhsNumber,
      type: row.type,
      title: `planted: ${op.flavour}`,
      recorded: row.recorded,
      filed: row.filed,
      available: row.available,
      hidden: op.hidden,
      reason: op.hidden ? 'typed in' : null,
    },
  );
}

// ---------------------------------------------------------------- reading it back, both ways

/** The view's order: newest available first, then by id, descending. */
const newestFirst = (a: RecordEntryRow, b: RecordEntryRow) => {
  const [x, y] = [availableAt(a)!.getTime(), availableAt(b)!.getTime()];
  return x !== y ? y - x : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
};

interface PatientCase {
  nhsNumber: string;
  facts: PatientFacts;
  window: VisibleWindow | null;
  /** Every entry of the patient the rule shows, in the view's order. */
  visible: RecordEntryRow[];
  /** All of the patient's entries, as stored. */
  all: RecordEntryRow[];
}

async function readBack(store: RecordsStore, nhsNumbers: string[], t: Timeline, stats: Stats): Promise<PatientCase[]> {
  const now = new Date(t.now);
  const patients = new Map((await store.patientsByNhsNumber(nhsNumbers)).map((p) => [p.nhsNumber, p]));
  const events = await store.exclusions(nhsNumbers);
  return Promise.all(
    nhsNumbers.map(async (nhsNumber) => {
      const patient = patients.get(nhsNumber)!;
      const facts: PatientFacts = {
        dateOfBirth: patient.dateOfBirth,
        registeredAt: patient.registeredAt,
        exclusion: exclusionHistory(exclusionFacts(events.get(nhsNumber) ?? [])),
      };
      // A plain SELECT of all the patient's entries, read by the entity, not by entry-queries.ts.
      const all = await store.dataSource.getRepository(RecordEntryEntity).find({ where: { nhsNumber } });
      const visible = all.filter((row) => entryVisibility(row, facts, t.access, now, t.toleranceMs).visible).sort(newestFirst);
      stats.entries += all.length;
      stats.visible += visible.length;
      const window = visibleWindow(facts, t.access, now, t.toleranceMs);
      if (window) {
        const edges = window.stretches.flatMap((s) => (s.to === null ? [s.from] : [s.from, s.to]));
        stats.atStretchEdges += all.filter((row) => edges.includes(row.availableAt?.getTime() ?? NaN)).length;
        stats.atNow += all.filter((row) => row.availableAt?.getTime() === t.now).length;
      }
      stats.planted += all.filter((row) => row.title.startsWith('planted')).length;
      stats.excludedMeanwhile += all.filter((row) =>
        entryVisibility(row, facts, t.access, now, t.toleranceMs).reasons.includes('EXCLUDED_WHEN_AVAILABLE'),
      ).length;
      return { nhsNumber, facts, window, visible, all };
    }),
  );
}

interface Page {
  ids: string[];
  hasNextPage: boolean;
}

/**
 * Every page of `size`, for all patients at once (one statement per round, as the loader
 * batches them), each patient following its own endCursor as record-views.ts does: LIMIT size+1,
 * the extra row only says there is a next page, the cursor is [availableAt, id] of the last row.
 */
async function allPages(
  store: RecordsStore,
  patients: PatientCase[],
  size: number,
  types: RecordEntryType[] | null,
): Promise<Map<string, Page[]>> {
  const pages = new Map<string, Page[]>(patients.map((p) => [p.nhsNumber, []]));
  let active = patients.map((p) => ({ p, after: null as string | null }));
  for (let round = 0; active.length > 0; round += 1) {
    if (round > 200) throw new Error('the pages never end');
    const queries: PatientViewQuery[] = active.map(({ p, after }) => {
      const cursor = decodeCursor(after, ['number', 'string'] as const);
      return {
        nhsNumber: p.nhsNumber,
        window: p.window!,
        types,
        after: cursor ? { at: cursor[0], id: cursor[1] } : null,
        limit: size + 1,
      };
    });
    const rows = await patientViewPages(store.dataSource, queries);
    active = active.flatMap((a) => {
      const mine = rows.filter((row) => row.nhsNumber === a.p.nhsNumber).slice(0, size + 1);
      const page = mine.slice(0, size);
      const hasNextPage = mine.length > size;
      pages.get(a.p.nhsNumber)!.push({ ids: page.map((row) => row.id), hasNextPage });
      const last = page[page.length - 1];
      return hasNextPage && last ? [{ p: a.p, after: encodeCursor([last.availableAt!.getTime(), last.id]) }] : [];
    });
  }
  return pages;
}

interface Stats {
  cases: number;
  entries: number;
  visible: number;
  planted: number;
  atStretchEdges: number;
  atNow: number;
  excludedMeanwhile: number;
  multiPage: number;
}

/** One generated case, written, then read both ways; throws (with what differed) on any disagreement. */
const iso = (x: number | null | undefined) => (x === null || x === undefined ? 'null' : new Date(x).toISOString());

/** One entry in a line: its stored facts and the rule's verdict. */
function describeRow(row: RecordEntryRow, p: PatientCase, t: Timeline): string {
  const { visible, reasons } = entryVisibility(row, p.facts, t.access, new Date(t.now), t.toleranceMs);
  const at = (d: Date | null) => iso(d?.getTime());
  return `"${row.title}" ${row.type} recorded=${at(row.recordedAt)} filed=${at(row.filedAt)} available_at=${at(row.availableAt)}${row.hiddenFromPatient ? ' hidden' : ''} rule=${visible ? 'VISIBLE' : reasons.join('+')}`;
}

/** Why the SQL's answer is not the rule's, in a few lines; null when they agree. */
function disagreement(p: PatientCase, t: Timeline, what: string, got: string[], want: string[]): string | null {
  if (got.length === want.length && got.every((id, k) => id === want[k])) return null;
  const byId = new Map(p.all.map((row) => [row.id, row]));
  const line = (id: string) => (byId.has(id) ? describeRow(byId.get(id)!, p, t) : `unknown id ${id}`);
  const extra = got.filter((id) => !want.includes(id)).map((id) => `  the SQL keeps, the rule does not: ${line(id)}`);
  const missing = want.filter((id) => !got.includes(id)).map((id) => `  the rule shows, the SQL does not: ${line(id)}`);
  const repeated = got.filter((id, k) => got.indexOf(id) !== k).map((id) => `  the SQL returns twice: ${line(id)}`);
  const order = extra.length + missing.length + repeated.length === 0 ? ['  the same entries in another order'] : [];
  const stretches = p.window!.stretches.map((x) => `[${iso(x.from)}, ${x.to === null ? '…' : iso(x.to)})`).join(' ');
  return [
    `patient ${p.nhsNumber}, ${what}: got ${got.length}, the rule ${want.length}`,
    ...extra,
    ...missing,
    ...repeated,
    ...order,
    `  window: notAfter=${iso(p.window!.notAfter.getTime())} stretches ${stretches || 'none'}`,
  ].join('\n');
}

/** One generated case, written, then read both ways; throws (saying what differed) on any disagreement. */
async function checkCase(store: RecordsStore, c: Case, stats: Stats): Promise<void> {
  for (const table of ['record_entry', 'exclusion_event', 'change_log', 'patient'])
    await store.dataSource.query(`DELETE FROM ${table}`);
  const t = timelineOf(c);
  const nhsNumbers = testNhsNumbers(c.patients.length, 4000);
  for (const [k, plan] of c.patients.entries()) await writePatient(store, nhsNumbers[k]!, plan, t);
  const patients = await readBack(store, nhsNumbers, t, stats);
  stats.cases += 1;
  const fail = (message: string | null) => {
    if (message !== null) throw new Error(message);
  };
  // No window (practice not enabled, patient excluded now, ...): record-views.ts runs no SQL and
  // shows nothing, so the rule must show nothing either.
  for (const p of patients.filter((q) => q.window === null))
    if (p.visible.length > 0)
      fail(`patient ${p.nhsNumber} has no window, yet the rule shows ${describeRow(p.visible[0]!, p, t)}`);
  const queried = patients.filter((p) => p.window !== null);
  if (queried.length === 0) return;
  for (const types of [null, c.typeFilter, []] as (RecordEntryType[] | null)[]) {
    const filter = `types ${types === null ? 'any' : `[${types.join(',')}]`}`;
    const expected = new Map(
      queried.map((p) => [
        p.nhsNumber,
        p.visible.filter((row) => types === null || types.includes(row.type)).map((row) => row.id),
      ]),
    );
    // The count: one statement for all the patients, as the loader batches it.
    const counts = await patientViewCounts(
      store.dataSource,
      queried.map((p) => ({ nhsNumber: p.nhsNumber, window: p.window!, types, after: null, limit: 0 })),
    );
    for (const p of queried) {
      const want = expected.get(p.nhsNumber)!;
      const count = counts.get(p.nhsNumber)?.count;
      if (count !== want.length) {
        // Say which entries: the count's rows are the first page's, however large.
        const [everything] = (await allPages(store, [p], 10_000, types)).get(p.nhsNumber)!;
        fail(
          disagreement(p, t, `count (${filter}) ${count}`, everything?.ids ?? [], want) ??
            `count ${count}, the rule ${want.length}`,
        );
      }
    }
    for (const size of types?.length === 0 ? [1] : [1, 2, 3, 4, 5]) {
      const pages = await allPages(store, queried, size, types);
      for (const p of queried) {
        const mine = pages.get(p.nhsNumber)!;
        const want = expected.get(p.nhsNumber)!;
        // Concatenated, the pages are the rule's entries in order; every page but the last is full
        // and says there is a next one; the last says there is not.
        const what = `pages of ${size} (${filter}), ${mine.length} pages`;
        fail(
          disagreement(
            p,
            t,
            what,
            mine.flatMap((page) => page.ids),
            want,
          ),
        );
        mine.forEach((page, k) => {
          const last = k === mine.length - 1;
          if (page.hasNextPage === last || (!last && page.ids.length !== size))
            fail(`patient ${p.nhsNumber}, ${what}: page ${k} holds ${page.ids.length}, hasNextPage ${page.hasNextPage}`);
        });
        if (mine.length > 1) stats.multiPage += 1;
      }
    }
  }
}

/** What a failing case was, in a line: the timeline. */
function summary(c: Case): string {
  const t = timelineOf(c);
  const periods = t.access.periods.map((p) => `[${iso(p.from.getTime())}, ${p.to ? iso(p.to.getTime()) : '…'})`).join(' ');
  return `${t.access.status} ${periods} now=${iso(t.now)} T=${t.toleranceMs}ms, ${c.patients.length} patient(s)`;
}

describe(`the patient view's SQL against the visibility rule, on written timelines (${databaseKind})`, () => {
  let database: FreshDatabase;
  let store: RecordsStore;

  beforeAll(async () => {
    database = await openFreshDatabase('differential', recordsDatabase);
    store = new RecordsStore(database.dataSource);
  }, 60_000);
  afterAll(() => database?.drop());

  it('every page of every size, followed by its cursor, and every count, is exactly what the rule shows', async () => {
    const stats: Stats = {
      cases: 0,
      entries: 0,
      visible: 0,
      planted: 0,
      atStretchEdges: 0,
      atNow: 0,
      excludedMeanwhile: 0,
      multiPage: 0,
    };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        try {
          await checkCase(store, c, stats);
        } catch (error) {
          throw new Error(`${summary(c)}\n${(error as Error).message}`, { cause: error });
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Not vacuous: many entries shown and many not, at the very edges the SQL's bounds decide,
    // inconsistent rows, entries hidden for an exclusion meanwhile, and walks of several pages.
    expect(stats.visible).toBeGreaterThan(100);
    expect(stats.entries - stats.visible).toBeGreaterThan(200);
    expect(stats.atStretchEdges).toBeGreaterThan(20);
    expect(stats.atNow).toBeGreaterThan(5);
    expect(stats.planted).toBeGreaterThan(50);
    expect(stats.excludedMeanwhile).toBeGreaterThan(10);
    expect(stats.multiPage).toBeGreaterThan(50);
  }, 120_000);

  it('a row whose stored available_at disagrees with its recording is shown by neither the SQL nor the rule', async () => {
    for (const table of ['record_entry', 'exclusion_event', 'change_log', 'patient'])
      await store.dataSource.query(`DELETE FROM ${table}`);
    const [nhsNumber] = testNhsNumbers(1, 4100);
    const access: PracticeAccess = { status: 'ENABLED', periods: [{ from: new Date(BASE), to: null }] };
    const now = new Date(BASE + 10 * DAY);
    await store.registerNew(
      { nhsNumber: nhsNumber!, odsCode: 'A81001', dateOfBirth: '1980-06-15', registeredAt: new Date(BASE - DAY) },
      change('PATIENT_REGISTERED', nhsNumber!, BASE),
    );
    // A diagnosis recorded on day 2 whose available_at was left null at a SQL prompt.
    await namedQuery(
      store.dataSource,
      `INSERT INTO record_entry (id, nhs_number, type, title, body, recorded_at, filed_at, available_at, hidden_from_patient, hidden_reason, recorded_by)
       VALUES (:id, :nhs, 'DIAGNOSIS', 'typed in', 'b', :recorded, NULL, NULL, :hidden, NULL, 'dba')`,
      { id: randomUUID(), nhs: nhsNumber, recorded: BASE + 2 * DAY, hidden: false },
    );
    const facts: PatientFacts = {
      dateOfBirth: '1980-06-15',
      registeredAt: new Date(BASE - DAY),
      exclusion: exclusionHistory([]),
    };
    const [row] = await store.dataSource.getRepository(RecordEntryEntity).find({ where: { nhsNumber } });
    const window = visibleWindow(facts, access, now, 0)!;
    const sql = await patientViewPages(store.dataSource, [
      { nhsNumber: nhsNumber!, window, types: null, after: null, limit: 10 },
    ]);
    expect(sql).toEqual([]);
    expect(entryVisibility(row!, facts, access, now, 0)).toEqual({ visible: false, reasons: ['INCONSISTENT_ENTRY'] });
  });
});
