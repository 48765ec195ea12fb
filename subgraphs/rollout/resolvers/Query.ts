import { forbidden, invalidInput } from '../../../platform/errors';
import { inTurn } from '../../runtime/bulkhead';
import { checkIcbCode } from '../../runtime/code-input';
import { paced } from '../../runtime/paced';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../../runtime/pagination';
import { SUPPLIER_LABELS, type Supplier } from '../../runtime/suppliers';
import { analyticsScope } from '../authorization';
import type { RolloutContext } from '../context';
import { isOpenAt, openInterval, timelineInstants, timelineLength, type PracticeMember } from '../domain/rollout-figures';
import type { RolloutEvent } from '../domain/rollout-event';
import { deriveRolloutState, type RolloutState } from '../domain/rollout-state';
import type { QueryResolvers } from '../generated/graphql';
import type { MembershipFilter } from '../caches/practice-directory';

/** Figures describe what happened: an instant after now is refused, give or take a minute of clock skew. */
const CLOCK_SKEW_MS = 60_000;
const MAX_TIMELINE_POINTS = 1000;
const MAX_WITHIN_DAYS = 366;
/** A timeline is answered this many groups' counts at a time, other requests served between (paced.ts). */
const COUNTS_PER_CHUNK = 200;

function notInFuture(instant: Date, now: Date, field: string): Date {
  if (instant.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw invalidInput(`${field} is in the future: figures describe what has happened (use upcomingSwitchOns for plans)`, field);
  }
  return instant;
}

/**
 * The viewer's practices (a supplier's own; everyone's for analysts and nhse) and every history.
 * Each resolver asks for the scope first, so a viewer who may not read figures is refused before
 * anything about the arguments is said.
 */
async function figuresFor(context: RolloutContext, scope: { supplier: Supplier | null }, filter: MembershipFilter = {}) {
  if (scope.supplier !== null && filter.supplier && filter.supplier !== scope.supplier) {
    throw forbidden('A supplier reads figures for its own practices only');
  }
  const supplier = scope.supplier ?? filter.supplier ?? null;
  const [members, histories] = await Promise.all([
    context.loaders.membership({ supplier, icbCode: filter.icbCode ?? null }),
    context.loaders.allHistories(),
  ]);
  const nationalLabel = scope.supplier === null ? 'England' : `England: ${SUPPLIER_LABELS[scope.supplier]} practices`;
  return { members, histories, nationalLabel };
}

/** Open practices with their state now, for the lists (paused, upcoming). */
function statesNow(
  members: readonly PracticeMember[],
  histories: ReadonlyMap<string, readonly RolloutEvent[]>,
  now: Date,
): { odsCode: string; state: RolloutState }[] {
  return members
    .filter((member) => isOpenAt(openInterval(member), now.getTime()))
    .map((member) => ({ odsCode: member.odsCode, state: deriveRolloutState(histories.get(member.odsCode) ?? [], now) }));
}

export const Query: QueryResolvers = {
  rolloutSummary: async (_parent, { groupBy, asOf }, context) => {
    const scope = analyticsScope(context);
    return inTurn(context.analytics, async () => {
      const at = notInFuture(asOf ?? context.now, context.now, 'asOf');
      const { members, histories, nationalLabel } = await figuresFor(context, scope);
      return context.figures.count(members, histories, [at.getTime()], groupBy, nationalLabel)[0] ?? [];
    });
  },

  rolloutTimeline: async (_parent, { from, to, interval, groupBy }, context) => {
    const scope = analyticsScope(context);
    return inTurn(context.analytics, async () => {
      notInFuture(to, context.now, 'to');
      if (to.getTime() < from.getTime()) throw invalidInput('from must not be after to', 'from');
      if (timelineLength(from, to, interval) > MAX_TIMELINE_POINTS) {
        throw invalidInput(`A timeline has at most ${MAX_TIMELINE_POINTS} points: shorten it or use WEEK`, 'to');
      }
      const instants = timelineInstants(from, to, interval);
      const { members, histories, nationalLabel } = await figuresFor(context, scope);
      const counts = context.figures.count(members, histories, instants, groupBy, nationalLabel);
      const points = instants.map((at, i) => ({ at: new Date(at), counts: counts[i] ?? [] }));
      return paced(points, Math.max(1, Math.floor(COUNTS_PER_CHUNK / Math.max(1, counts[0]?.length ?? 1))));
    });
  },

  pausedPractices: async (_parent, { first, after, icbCode, supplier }, context) => {
    const scope = analyticsScope(context);
    return inTurn(context.analytics, async () => {
      const size = pageSize(first, 200, 50);
      const cursor = decodeCursor(after, ['number', 'string'] as const);
      const { members, histories } = await figuresFor(context, scope, { supplier, icbCode: checkIcbCode(icbCode) });
      const paused = statesNow(members, histories, context.now)
        .flatMap(({ odsCode, state }) => (state.pause ? [{ odsCode, since: state.pause.since.getTime() }] : []))
        .sort((a, b) => a.since - b.since || (a.odsCode < b.odsCode ? -1 : a.odsCode > b.odsCode ? 1 : 0));
      const start = cursor ? paused.findIndex((p) => p.since > cursor[0] || (p.since === cursor[0] && p.odsCode > cursor[1])) : 0;
      const rows = start < 0 ? [] : paused.slice(start, start + size + 1);
      return toConnection(
        rows,
        size,
        (row) => encodeCursor([row.since, row.odsCode]),
        (row) => ({ odsCode: row.odsCode }),
        () => paused.length,
      );
    });
  },

  upcomingSwitchOns: async (_parent, { withinDays }, context) => {
    const scope = analyticsScope(context);
    return inTurn(context.analytics, async () => {
      if (!Number.isInteger(withinDays) || withinDays < 1 || withinDays > MAX_WITHIN_DAYS) {
        throw invalidInput(`withinDays must be between 1 and ${MAX_WITHIN_DAYS}`, 'withinDays');
      }
      const horizon = context.now.getTime() + withinDays * 86_400_000;
      const { members, histories } = await figuresFor(context, scope);
      return statesNow(members, histories, context.now)
        .flatMap(({ odsCode, state }) => {
          const planned = state.plannedSwitchOnAt?.getTime();
          return planned !== undefined && planned <= horizon ? [{ odsCode, planned }] : [];
        })
        .sort((a, b) => a.planned - b.planned || (a.odsCode < b.odsCode ? -1 : a.odsCode > b.odsCode ? 1 : 0))
        .map(({ odsCode }) => ({ odsCode }));
    });
  },
};
