/**
 * A long list handed out in chunks, each after a turn of the event loop: graphql-js completes
 * each chunk's items as it arrives, so other requests' I/O (a patient's calls) runs between
 * chunks instead of waiting for the whole list. Each turn is queued only once the previous
 * chunk is out, so the turns fall in successive loop iterations, with I/O polled between them.
 */
export function paced<T>(values: readonly T[], itemsPerChunk: number): Promise<T>[] {
  let turn: Promise<void> = Promise.resolve();
  return values.map((value, i) => {
    if (i > 0 && i % itemsPerChunk === 0) turn = turn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    return turn.then(() => value);
  });
}
