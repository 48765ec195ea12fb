import { recordsDatabase } from '../../subgraphs/records/server';
import { AccessLogStore } from '../../subgraphs/records/store/access-log-store';
import type { AccessLogRow } from '../../subgraphs/records/entities/access-log';
import { openFreshDatabase, type FreshDatabase } from '../helpers/database';

describe('the access log store', () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await openFreshDatabase('access-log-store', recordsDatabase);
  });
  afterAll(() => database.drop());

  it('stores a batch of rows in one statement, each field as given, read back through the entity', async () => {
    const store = new AccessLogStore(database.dataSource);
    const rows: AccessLogRow[] = [
      {
        at: new Date('2026-12-05T16:30:00.123Z'),
        requestId: 'request-1',
        actorRole: 'patient',
        actorId: 'patient-9990001375',
        clientId: null,
        appName: null,
        nhsNumber: '9990001375',
        view: 'PATIENT',
        entryCount: 20,
        outcome: 'READ',
      },
      {
        at: new Date('2026-12-05T16:30:00.124Z'),
        requestId: 'request-2',
        actorRole: 'app',
        actorId: 'log-app',
        clientId: 'log-app',
        appName: "Log Reader's App",
        nhsNumber: '9990001375',
        view: 'CLINICAL',
        entryCount: 0,
        outcome: 'REFUSED',
      },
    ];
    const statements: string[] = [];
    const query = database.dataSource.query.bind(database.dataSource);
    database.dataSource.query = ((sql: string, ...rest: unknown[]) => {
      statements.push(sql);
      return query(sql, ...(rest as []));
    }) as typeof database.dataSource.query;
    try {
      await store.append(rows);
    } finally {
      database.dataSource.query = query;
    }
    expect(statements).toHaveLength(1);
    const stored = await store.page('9990001375', null, 10);
    expect(stored).toEqual([
      { ...rows[1], id: expect.any(Number) },
      { ...rows[0], id: expect.any(Number) },
    ]);
    expect(stored[0]!.id).toBeGreaterThan(stored[1]!.id!);
    expect(await store.count('9990001375')).toBe(2);
  });
});
