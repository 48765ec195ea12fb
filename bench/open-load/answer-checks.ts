import { checks } from '../operations';

/**
 * Answer checks by name, so a run's plan (plain JSON, handed to the generator's own process)
 * can say which check each request gets. The scenarios' checks of `npm run bench`, and the
 * next page's, which they lack.
 */
interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

type Record_ = { totalCount: number; edges: unknown[]; pageInfo?: { hasNextPage: boolean } };

/** A page after a cursor: no error, at most `first` (20) entries of a count at least that large. */
const nextPage = (body: unknown): boolean => {
  const { data, errors } = body as GraphQLBody;
  const record = (data?.me as { record?: Record_ } | undefined)?.record;
  return (
    !errors &&
    !!record &&
    Array.isArray(record.edges) &&
    record.edges.length <= 20 &&
    record.totalCount >= record.edges.length &&
    typeof record.pageInfo?.hasNextPage === 'boolean'
  );
};

export const ANSWER_CHECKS = {
  patientFirstPage: checks.patientFirstPage,
  /** The app's first page has the patient's page's shape, with cursors and bodies. */
  appFirstPage: checks.patientFirstPage,
  nextPage,
  clinicianList: checks.clinicianList,
  summaryByIcb: checks.summaryByIcb,
  weeklyTimeline: checks.weeklyTimeline,
} satisfies Record<string, (body: unknown) => boolean>;

export type CheckName = keyof typeof ANSWER_CHECKS;
