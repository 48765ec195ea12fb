import { In, type DataSource } from 'typeorm';
import type { Supplier } from '../common/viewer';
import { IntegratedCareBoardEntity, type IcbRow } from './entities/integrated-care-board';
import { PracticeEntity, type PracticeRow } from './entities/practice';

export interface PracticeFilter {
  icbCode?: string | null;
  supplier?: Supplier | null;
}

/** The practices subgraph's queries and writes. */
export class PracticeStore {
  constructor(private readonly dataSource: DataSource) {}

  private get practices() {
    return this.dataSource.getRepository(PracticeEntity);
  }

  practicesByCode(codes: readonly string[]): Promise<PracticeRow[]> {
    return this.practices.findBy({ odsCode: In([...codes]) });
  }

  icbsByCode(codes: readonly string[]): Promise<IcbRow[]> {
    return this.dataSource.getRepository(IntegratedCareBoardEntity).findBy({ code: In([...codes]) });
  }

  allIcbs(): Promise<IcbRow[]> {
    return this.dataSource.getRepository(IntegratedCareBoardEntity).find({ order: { code: 'ASC' } });
  }

  private filtered(filter: PracticeFilter) {
    const query = this.practices.createQueryBuilder('p');
    if (filter.icbCode) query.andWhere('p.icb_code = :icbCode', { icbCode: filter.icbCode });
    if (filter.supplier) query.andWhere('p.supplier = :supplier', { supplier: filter.supplier });
    return query;
  }

  /** Keyset page ordered by ODS code; `limit` rows after `afterCode`. */
  page(filter: PracticeFilter, afterCode: string | null, limit: number): Promise<PracticeRow[]> {
    const query = this.filtered(filter).orderBy('p.ods_code', 'ASC').limit(limit);
    if (afterCode) query.andWhere('p.ods_code > :afterCode', { afterCode });
    return query.getMany();
  }

  count(filter: PracticeFilter): Promise<number> {
    return this.filtered(filter).getCount();
  }

  /** Creates or updates a practice and its ICB in one transaction. */
  async upsert(practice: PracticeRow, icb: IcbRow): Promise<PracticeRow> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(IntegratedCareBoardEntity).save(icb);
      return manager.getRepository(PracticeEntity).save(practice);
    });
  }
}
