import type { DataSource } from 'typeorm';
import { AccessLogEntity, type AccessLogRow } from '../entities/access-log';

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

  /** Writes the rows in one statement; resolves only once they are stored. */
  async append(rows: readonly AccessLogRow[]): Promise<void> {
    if (rows.length > 0) await this.log.insert([...rows]);
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
