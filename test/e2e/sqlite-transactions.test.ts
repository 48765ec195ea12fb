import { IntegratedCareBoardEntity } from '../../subgraphs/practices/entities/integrated-care-board';
import { practicesDatabase } from '../../subgraphs/practices/server';
import { databaseKind, openFreshDatabase, type FreshDatabase } from '../helpers/database';

/**
 * Transactions and the statements of other requests, on one data source as a service shares
 * it: on SQLite every statement goes down one connection (subgraphs/common/sqlite-transactions.ts
 * takes turns), on PostgreSQL each transaction has its own. The guarantees are the same.
 */
describe(`transactions among other requests (${databaseKind})`, () => {
  let opened: FreshDatabase;
  const icbs = async () =>
    (await opened.dataSource.getRepository(IntegratedCareBoardEntity).find({ order: { code: 'ASC' } })).map((icb) => icb.code);
  const insert = (code: string, manager = opened.dataSource.manager) =>
    manager.getRepository(IntegratedCareBoardEntity).insert({ code, name: `ICB ${code}` });

  /** A promise the test settles when it chooses: a transaction waits on it between statements. */
  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
  }

  beforeEach(async () => {
    opened = await openFreshDatabase('transactions', practicesDatabase);
  });
  afterEach(() => opened?.drop());

  it('two transactions of several statements at once: both commit, whole', async () => {
    const work = (codes: string[]) =>
      opened.dataSource.transaction(async (manager) => {
        for (const code of codes) {
          await insert(code, manager);
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
    await Promise.all([work(['QA1', 'QA2', 'QA3']), work(['QB1', 'QB2', 'QB3']), work(['QC1', 'QC2'])]);
    expect(await icbs()).toEqual(['QA1', 'QA2', 'QA3', 'QB1', 'QB2', 'QB3', 'QC1', 'QC2']);
  });

  it('another request never reads what an open transaction has not committed, and its own write outlives that transaction rolling back', async () => {
    const between = gate();
    const written = gate();
    const transaction = opened.dataSource.transaction(async (manager) => {
      await insert('QT1', manager);
      written.open();
      await between.opened;
      throw new Error('roll back');
    });
    await written.opened;
    // Another request, while the transaction is open and holds an uncommitted row.
    const read = icbs();
    const write = insert('QO1');
    between.open();
    await expect(transaction).rejects.toThrow('roll back');
    // It may or may not see the other request's committed QO1 (on PostgreSQL the two run side by
    // side); it never sees the open transaction's QT1.
    expect((await read).filter((code) => code !== 'QO1')).toEqual([]);
    await write;
    expect(await icbs()).toEqual(['QO1']);
  });

  it('a failed transaction leaves the next one whole', async () => {
    await expect(
      opened.dataSource.transaction(async (manager) => {
        await insert('QF1', manager);
        await insert('QF1', manager); // the same code again: the primary key refuses it
      }),
    ).rejects.toThrow();
    await opened.dataSource.transaction(async (manager) => {
      await insert('QG1', manager);
      await insert('QG2', manager);
    });
    expect(await icbs()).toEqual(['QG1', 'QG2']);
  });

  (databaseKind === 'sqlite' ? it : it.skip)(
    'on SQLite a transaction begun outside transaction() (a save() on its own) is refused, and nothing is written',
    async () => {
      await expect(
        opened.dataSource.getRepository(IntegratedCareBoardEntity).save({ code: 'QS1', name: 'ICB QS1' }),
      ).rejects.toThrow('On SQLite a transaction must be opened with dataSource.transaction()');
      expect(await icbs()).toEqual([]);
      await opened.dataSource.transaction((manager) =>
        manager.getRepository(IntegratedCareBoardEntity).save({ code: 'QS1', name: 'ICB QS1' }),
      );
      expect(await icbs()).toEqual(['QS1']);
    },
  );
});
