import { Bulkhead, BulkheadFull, type BulkheadLimit } from '../../platform/bulkhead';
import { DomainError, ErrorCode } from '../../platform/errors';

export { Bulkhead, type BulkheadLimit };

/**
 * Runs `work` within its bulkhead's turn: heavy work (a subgraph's analytics) waits in a
 * queue of its own, so it never delays the calls on a patient's path; a full queue is OVERLOADED.
 */
export async function inTurn<T>(bulkhead: Bulkhead, work: () => Promise<T>): Promise<T> {
  let release: () => void;
  try {
    release = await bulkhead.admit();
  } catch (error) {
    if (error instanceof BulkheadFull) {
      throw new DomainError(ErrorCode.Overloaded, 'Too many operations of this kind at once: try again shortly');
    }
    throw error;
  }
  try {
    return await work();
  } finally {
    release();
  }
}
