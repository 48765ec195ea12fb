import { openDatabase } from '../../subgraphs/runtime/database';
import { inOneTurn } from '../../patches/typeorm-sqlite-transactions';
import { IntegratedCareBoardEntity } from '../../subgraphs/practices/entities/integrated-care-board';
import { PracticeEntity } from '../../subgraphs/practices/entities/practice';
import { CreatePractices1764000000000 } from '../../subgraphs/practices/migrations/1764000000000-create-practices';
import { practicesDatabase } from '../../subgraphs/practices/server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/** The lifecycle migration on a database that already holds practices (SQLite, and PostgreSQL when asked). */
describe('adding the practice lifecycle to an existing practices database', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase('practices');
  });
  afterEach(() => database?.drop());

  it('keeps every practice, makes each ACTIVE with unknown dates, and can be reverted', async () => {
    const before = await openDatabase(database.config, { entities: [], migrations: [CreatePractices1764000000000] });
    await before.dataSource.query(
      `INSERT INTO integrated_care_board (code, name) VALUES ('QWO', 'NHS West Yorkshire Integrated Care Board')`,
    );
    await before.dataSource.query(
      `INSERT INTO practice (ods_code, name, postcode, supplier, icb_code, updated_at) VALUES ('B84001', 'Station Road Surgery', 'LS1 3EX', 'EMIS', 'QWO', 1700000000000)`,
    );
    await before.close();

    const after = await openDatabase(database.config, {
      entities: practicesDatabase.entities,
      migrations: practicesDatabase.migrations,
    });
    try {
      expect(await after.dataSource.getRepository(PracticeEntity).find()).toEqual([
        {
          odsCode: 'B84001',
          name: 'Station Road Surgery',
          postcode: 'LS1 3EX',
          supplier: 'EMIS',
          icbCode: 'QWO',
          status: 'ACTIVE',
          openedOn: null,
          closedOn: null,
          updatedAt: new Date(1700000000000),
        },
      ]);
      // The foreign key to the ICB survives the table rebuild SQLite needs to add columns.
      await expect(
        after.dataSource.query(
          `INSERT INTO practice (ods_code, name, postcode, supplier, icb_code, updated_at) VALUES ('B84002', 'N', 'LS1 3EX', 'EMIS', 'QZZ', 1)`,
        ),
      ).rejects.toThrow();
      expect(await after.dataSource.getRepository(IntegratedCareBoardEntity).count()).toBe(1);

      // Back through the directory's data version (its table and triggers go), then the lifecycle.
      await inOneTurn(after.dataSource, () => after.dataSource.undoLastMigration());
      const versionGone = after.dataSource.createQueryRunner();
      expect(await versionGone.hasTable('data_version')).toBe(false);
      await versionGone.release();
      await inOneTurn(after.dataSource, () => after.dataSource.undoLastMigration());
      const runner = after.dataSource.createQueryRunner();
      const columns = (await runner.getTable('practice'))!.columns.map((column) => column.name);
      await runner.release();
      expect(columns.sort()).toEqual(['icb_code', 'name', 'ods_code', 'postcode', 'supplier', 'updated_at']);
    } finally {
      await after.close();
    }
  });
});
