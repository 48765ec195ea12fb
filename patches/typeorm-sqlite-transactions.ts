import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import { requireWrittenFor, type WrittenFor } from './version-guard';

export const WRITTEN_FOR: WrittenFor = { library: 'typeorm', from: '1.1.0', below: '1.2.0' };
requireWrittenFor('typeorm-sqlite-transactions', WRITTEN_FOR);

/**
 * On SQLite, TypeORM sends every statement of a data source down one connection, and a
 * transaction's statements are awaited one by one. Left alone, two requests' transactions
 * meet on that connection ("cannot start a transaction within a transaction", and the
 * failure's ROLLBACK undoes the other's work), and a statement of another request that runs
 * while a transaction is open becomes part of it: it reads that transaction's uncommitted
 * changes (an entry about to be hidden again, say) and is rolled back with it after it was
 * acknowledged. PostgreSQL gives each transaction a connection of its own; this gives SQLite
 * the same guarantees by taking turns:
 * - a transaction (`dataSource.transaction`, `dataSource.manager.transaction`) waits for its
 *   turn, first come first served, and holds it until it has committed or rolled back;
 * - any other statement waits while a transaction holds the turn; the holder's own
 *   statements (and transactions nested in it) run at once;
 * - a transaction begun on the connection itself, outside `transaction()` (a `save()` or
 *   `remove()` outside a transaction), is refused: it could not hold a turn.
 * Inside a transaction, use the manager it gives (a statement on another path that the
 * transaction then waits for would wait for the transaction: both would wait for ever).
 * Other work that must run as one turn (TypeORM's own undoLastMigration, say) goes through
 * `inOneTurn`.
 */
export function oneTransactionAtATime(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const runner = dataSource.createQueryRunner(); // SQLite drivers hand out one shared runner
  const turns = new AsyncLocalStorage<object>();
  const waiting: (() => void)[] = [];
  let taken = false;
  let holder: object | null = null;

  const takeTurn = (): Promise<void> => {
    if (!taken) {
      taken = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const passTurn = (): void => {
    const next = waiting.shift();
    if (next) next();
    else taken = false;
  };
  const holdsTurn = () => holder !== null && turns.getStore() === holder;

  const oneTurn = async <T>(work: () => Promise<T>): Promise<T> => {
    if (holdsTurn()) return work();
    await takeTurn();
    const turn = {};
    holder = turn;
    try {
      return await turns.run(turn, work);
    } finally {
      holder = null;
      passTurn();
    }
  };
  inTurn.set(dataSource, oneTurn);
  waitingOf.set(dataSource, () => waiting.length);

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = (...args: unknown[]) => oneTurn(() => transaction(...args));

  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = (async (...args: unknown[]) => {
    if (holdsTurn()) return query(...args);
    await takeTurn();
    try {
      return await query(...args);
    } finally {
      passTurn();
    }
  }) as typeof runner.query;

  const startTransaction = runner.startTransaction.bind(runner);
  runner.startTransaction = (isolationLevel) => {
    if (!holdsTurn()) {
      return Promise.reject(
        new Error('On SQLite a transaction must be opened with dataSource.transaction(), which gives each its turn'),
      );
    }
    return startTransaction(isolationLevel);
  };
}

const inTurn = new WeakMap<DataSource, <T>(work: () => Promise<T>) => Promise<T>>();
const waitingOf = new WeakMap<DataSource, () => number>();

/** How many statements and transactions wait for their turn now (0 on PostgreSQL): a figure for the operator. */
export function turnsWaiting(dataSource: DataSource): number {
  return waitingOf.get(dataSource)?.() ?? 0;
}

/** Runs `work` as one turn of the data source (no other statement meanwhile); on PostgreSQL, simply runs it. */
export function inOneTurn<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const oneTurn = inTurn.get(dataSource);
  return oneTurn ? oneTurn(work) : work();
}
