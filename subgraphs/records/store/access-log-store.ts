import type { DataSource } from 'typeorm';
import { instantTransformer } from '../../runtime/instants';
import { namedQuery, type Params } from '../../runtime/named-query';
import { AccessLogEntity, type AccessLogRow } from '../entities/access-log';

const COLUMNS = [
  'at',
  'request_id',
  'actor_role',
  'actor_id',
  'client_id',
  'app_name',
  'nhs_number',
  'view',
  'entry_count',
  'outcome',
] as const;

/** A row's values in COLUMNS' order, as the entity would store them (the instant as its milliseconds). */
const valuesOf = (row: AccessLogRow): unknown[] => [
  instantTransformer.to(row.at),
  row.requestId,
  row.actorRole,
  row.actorId,
  row.clientId,
  row.appName,
  row.nhsNumber,
  row.view,
  row.entryCount,
  row.outcome,
];

/**
 * The access log: every read of a patient's record, and every refused attempt. Append-only
 * (there is no method that updates or deletes a row, and in PostgreSQL the service's database
 * user has no UPDATE or DELETE on the table).
 */
export class AccessLogStore {
  constructor(private readonly dataSource: DataSource) {}

  private get log() {
    return this.dataSource.getRepository(AccessLogEntity);
  }

  /**
   * Writes the rows in one statement; resolves only once they are stored. Hand-written, as the hot
   * reads are (named-query.ts): TypeORM's insert building was 4.5% of the records subgraph's CPU on
   * a patient's page, every page writing one row.
   */
  async append(rows: readonly AccessLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    const params: Params = {};
    const tuples = rows.map((row, k) => {
      const values = valuesOf(row);
      return `(${COLUMNS.map((_, i) => {
        params[`v${k}_${i}`] = values[i];
        return `:v${k}_${i}`;
      }).join(', ')})`;
    });
    const columns = COLUMNS.map((column) => `"${column}"`).join(', ');
    await namedQuery(this.dataSource, `INSERT INTO "access_log" (${columns}) VALUES ${tuples.join(', ')}`, params);
  }

  /** A keyset page of one patient's log, newest first. */
  page(nhsNumber: string, after: { at: number; id: number } | null, limit: number): Promise<AccessLogRow[]> {
    const query = this.log
      .createQueryBuilder('l')
      .where('l.nhs_number = :nhsNumber', { nhsNumber })
      .orderBy('l.at', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .limit(limit);
    if (after) query.andWhere('(l.at < :at OR (l.at = :at AND l.id < :id))', { at: after.at, id: after.id });
    return query.getMany();
  }

  count(nhsNumber: string): Promise<number> {
    return this.log.countBy({ nhsNumber });
  }
}
