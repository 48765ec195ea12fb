import { DEFAULT_DATABASE_LIMITS, type DatabaseConfig } from '../../subgraphs/runtime/config';
import { openDatabase, type Database } from '../../subgraphs/runtime/database';
import { namedQuery } from '../../subgraphs/runtime/named-query';
import { PREPARED_LIMITS } from '../../subgraphs/runtime/prepared-statements';
import { recordsDatabase } from '../../subgraphs/records/server';
import { createTestDatabase, databaseKind, type TestDatabase } from '../helpers/database';

/**
 * On PostgreSQL the services run their short parameterised statements as named prepared
 * statements (prepared-statements.ts): each connection parses and plans such a text once.
 * One connection in the pool, so the session this test inspects is the one that ran them.
 */
const onPostgres = databaseKind === 'postgres' ? describe : describe.skip;

onPostgres('prepared statements on PostgreSQL', () => {
  let test: TestDatabase;
  let database: Database | undefined;
  const LOOKUP = 'SELECT nhs_number FROM patient WHERE nhs_number = :nhs';

  const open = async (preparedStatements: boolean) => {
    const config = { ...test.config, limits: { ...DEFAULT_DATABASE_LIMITS, poolSize: 1, preparedStatements } } as DatabaseConfig;
    database = await openDatabase(config, recordsDatabase);
    return database;
  };
  const prepared = async (db: Database): Promise<string[]> =>
    (await db.dataSource.query<{ statement: string }[]>('SELECT statement FROM pg_prepared_statements')).map(
      (row) => row.statement,
    );

  beforeEach(async () => {
    test = await createTestDatabase('prepared');
  });
  afterEach(async () => {
    await database?.close();
    database = undefined;
    await test.drop();
  });

  it('prepares a parameterised statement once per connection, and answers the same', async () => {
    const db = await open(true);
    for (let i = 0; i < 3; i += 1) expect(await namedQuery(db.dataSource, LOOKUP, { nhs: '9990001375' })).toEqual([]);
    const statements = await prepared(db);
    expect(statements.filter((text) => text.includes('FROM patient WHERE nhs_number ='))).toHaveLength(1);
    // Statements without values (BEGIN, COMMIT, this very look) are sent as they are.
    expect(statements.some((text) => text.includes('pg_prepared_statements'))).toBe(false);
  });

  it('leaves a text longer than the limit unprepared', async () => {
    const db = await open(true);
    const padding = `/* ${'x'.repeat(PREPARED_LIMITS.maxLength)} */`;
    await namedQuery(db.dataSource, `${LOOKUP} ${padding}`, { nhs: '9990001375' });
    expect((await prepared(db)).some((text) => text.includes(padding))).toBe(false);
  });

  it('prepares again on a new connection when the old one was cut', async () => {
    const db = await open(true);
    await namedQuery(db.dataSource, LOOKUP, { nhs: '9990001375' });
    // The pool's one connection ends its own session; the pool opens another, which knows no name yet.
    await db.dataSource.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
    let answered = false;
    for (let attempt = 0; attempt < 5 && !answered; attempt += 1) {
      answered = await namedQuery(db.dataSource, LOOKUP, { nhs: '9990001375' }).then(
        () => true,
        () => false,
      );
    }
    expect(answered).toBe(true);
    expect((await prepared(db)).filter((text) => text.includes('FROM patient WHERE nhs_number ='))).toHaveLength(1);
  });

  it('prepares nothing when DATABASE_PREPARED_STATEMENTS is off (a pooler that cannot keep them)', async () => {
    const db = await open(false);
    await namedQuery(db.dataSource, LOOKUP, { nhs: '9990001375' });
    expect(await prepared(db)).toEqual([]);
  });
});
