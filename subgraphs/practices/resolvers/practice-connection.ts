import { decodeCursor, encodeCursor, pageSize, toConnection } from '../../runtime/pagination';
import type { PracticesContext } from '../context';
import type { PracticeConnectionModel } from '../models';
import type { PracticeFilter } from '../store/practice-store';

const MAX_PAGE = 200;

/** Every signed-in role may read practices and ICBs: they are public reference data. */
export function practiceConnection(
  context: PracticesContext,
  filter: PracticeFilter,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<PracticeConnectionModel> {
  const size = pageSize(first, MAX_PAGE, 50);
  const cursor = decodeCursor(after, ['string'] as const);
  return context.practices.page(filter, cursor?.[0] ?? null, size + 1).then((rows) =>
    toConnection(
      rows,
      size,
      (row) => encodeCursor([row.odsCode]),
      (row) => row,
      () => context.practices.count(filter),
    ),
  );
}
