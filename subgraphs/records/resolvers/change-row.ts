import type { Viewer } from '../../../platform/viewer';
import { actorOf } from '../authorization';
import type { RecordsContext } from '../context';
import type { ChangeAction, ChangeLogRow } from '../entities/change-log';

/** The change-log row of a change: who, when, what, to which patient (and entry). */
export const changeBy = (
  context: RecordsContext,
  viewer: Viewer,
  action: ChangeAction,
  nhsNumber: string,
  entryId: string | null = null,
): ChangeLogRow => ({
  at: context.now,
  requestId: context.requestId,
  ...actorOf(viewer),
  action,
  nhsNumber,
  entryId,
});
