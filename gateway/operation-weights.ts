import { SUPPLIERS } from '../platform/viewer';

/**
 * How much a field weighs in an operation's cost (operation-cost.ts), beyond one per field:
 * `self`, what the field itself counts; `items`, how many items a list without `first` can
 * return given its arguments; `groups`, how many groups each point of grouped figures below holds.
 */
export interface FieldWeight {
  self: number;
  items: number;
  groups: number;
}

/** England's integrated care boards: the ICB grouping's groups. */
export const ICB_COUNT = 42;
/** The suppliers a token can name, and UNKNOWN for practices not yet assigned one. */
export const SUPPLIER_GROUPS = SUPPLIERS.length + 1;
/** The rollout subgraph refuses a longer timeline; a longer one is costed at this bound. */
export const MAX_TIMELINE_POINTS = 1000;
/**
 * An entry's body holds up to 100,000 characters: it weighs one per 2,000, so one page of 100
 * bodies fits within the limit and a second does not. Titles (200 characters) count as any field.
 */
export const ENTRY_BODY_WEIGHT = 50;

const STEP_MS: Record<string, number> = { DAY: 86_400_000, WEEK: 7 * 86_400_000 };

function groupsOf(groupBy: unknown): number {
  if (groupBy === 'ICB') return ICB_COUNT;
  if (groupBy === 'SUPPLIER') return SUPPLIER_GROUPS;
  return 1;
}

/** A timeline's points, as the rollout subgraph counts them; arguments it will refuse count one. */
export function timelinePoints(from: unknown, to: unknown, interval: unknown): number {
  const start = typeof from === 'string' ? Date.parse(from) : NaN;
  const end = typeof to === 'string' ? Date.parse(to) : NaN;
  const step = typeof interval === 'string' ? STEP_MS[interval] : undefined;
  if (!Number.isFinite(start) || !Number.isFinite(end) || step === undefined || end < start) return 1;
  return Math.min(MAX_TIMELINE_POINTS, Math.floor((end - start) / step) + 1);
}

/** The weight of `parent.field`, given its arguments and the groups of the grouped figures above. */
export function fieldWeight(parent: string, field: string, args: (name: string) => unknown, groups: number): FieldWeight {
  const plain = { self: 1, items: 1, groups };
  switch (`${parent}.${field}`) {
    case 'Query.rolloutTimeline':
      return { ...plain, items: timelinePoints(args('from'), args('to'), args('interval')), groups: groupsOf(args('groupBy')) };
    case 'Query.rolloutSummary':
      return { ...plain, items: groupsOf(args('groupBy')) };
    case 'RolloutTimelinePoint.counts':
      return { ...plain, items: groups };
    case 'Query.integratedCareBoards':
      return { ...plain, items: ICB_COUNT };
    case 'RecordEntry.body':
    case 'ClinicalEntry.body':
      return { ...plain, self: ENTRY_BODY_WEIGHT };
    default:
      return plain;
  }
}
