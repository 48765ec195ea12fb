import { DataSource, In, type EntityManager } from 'typeorm';
import { readDataVersion, type DataVersionSpec } from '../../runtime/data-version';
import type { PracticeMember } from '../../runtime/practice-membership';
import type { PracticeSupplier } from '../../runtime/suppliers';
import type { PracticeStatus } from '../domain/practice-status';
import { IntegratedCareBoardEntity, type IcbRow } from '../entities/integrated-care-board';
import { PracticeEntity, type PracticeRow } from '../entities/practice';

export interface PracticeFilter {
  icbCode?: string | null;
  supplier?: PracticeSupplier | null;
  status?: PracticeStatus | null;
}

/** What the rollout subgraph counts a practice by (the internal practiceMembership field). */
export type PracticeMembershipRow = PracticeMember;

/** What upsertPractice may set: the lifecycle (status, dates) is the ODS import's. */
export type PracticeDetails = Pick<PracticeRow, 'odsCode' | 'name' | 'postcode' | 'supplier' | 'icbCode' | 'updatedAt'>;

/** The directory's data version: every write to a practice or an ICB changes it (migration 1764300000000). */
export const PRACTICE_DIRECTORY_VERSION: DataVersionSpec = {
  name: 'practice_directory',
  tables: ['practice', 'integrated_care_board'],
};

/** Rows per INSERT: nine parameters a practice, well under SQLite's and PostgreSQL's limits. */
const WRITE_CHUNK = 500;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The practices subgraph's queries and writes. */
export class PracticeStore {
  private readonly manager: EntityManager;

  constructor(source: DataSource | EntityManager) {
    this.manager = source instanceof DataSource ? source.manager : source;
  }

  private get practices() {
    return this.manager.getRepository(PracticeEntity);
  }

  private get icbs() {
    return this.manager.getRepository(IntegratedCareBoardEntity);
  }

  /** Runs `work` in one transaction, with a store whose every statement is part of it. */
  transaction<T>(work: (store: PracticeStore) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new PracticeStore(manager)));
  }

  async practicesByCode(codes: readonly string[]): Promise<PracticeRow[]> {
    const rows: PracticeRow[] = [];
    for (const chunk of chunks(codes, WRITE_CHUNK)) rows.push(...(await this.practices.findBy({ odsCode: In(chunk) })));
    return rows;
  }

  icbsByCode(codes: readonly string[]): Promise<IcbRow[]> {
    return this.icbs.findBy({ code: In([...codes]) });
  }

  allIcbs(): Promise<IcbRow[]> {
    return this.icbs.find({ order: { code: 'ASC' } });
  }

  private filtered(filter: PracticeFilter) {
    const query = this.practices.createQueryBuilder('p');
    if (filter.icbCode) query.andWhere('p.icb_code = :icbCode', { icbCode: filter.icbCode });
    if (filter.supplier) query.andWhere('p.supplier = :supplier', { supplier: filter.supplier });
    if (filter.status) query.andWhere('p.status = :status', { status: filter.status });
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

  /** The directory's data version: the database changes it with every write to a practice or an ICB (data-version.ts). */
  directoryVersion(): Promise<string> {
    return readDataVersion(this.manager, PRACTICE_DIRECTORY_VERSION.name);
  }

  /** Every matching practice with its ICB's name, ordered by ODS code: one statement. */
  async membership(filter: Pick<PracticeFilter, 'icbCode' | 'supplier'>): Promise<PracticeMembershipRow[]> {
    const query = this.filtered(filter)
      .innerJoin(IntegratedCareBoardEntity.options.name, 'i', 'i.code = p.icb_code')
      .select('p.ods_code', 'odsCode')
      .addSelect('p.supplier', 'supplier')
      .addSelect('p.icb_code', 'icbCode')
      .addSelect('i.name', 'icbName')
      .addSelect('p.opened_on', 'openedOn')
      .addSelect('p.closed_on', 'closedOn')
      .orderBy('p.ods_code', 'ASC');
    const rows = await query.getRawMany<PracticeMembershipRow>();
    return rows.map((row) => ({
      odsCode: row.odsCode,
      supplier: row.supplier,
      icbCode: row.icbCode,
      icbName: row.icbName,
      openedOn: row.openedOn ?? null,
      closedOn: row.closedOn ?? null,
    }));
  }

  /**
   * Creates or updates a practice and its ICB in one transaction. A new practice is ACTIVE
   * with unknown dates; an existing one keeps its status and dates (the ODS import owns them).
   */
  async upsert(details: PracticeDetails, icb: IcbRow): Promise<PracticeRow> {
    return this.transaction(async (store) => {
      await store.icbs.save(icb);
      const existing = await store.practices.findOneBy({ odsCode: details.odsCode });
      const practice: PracticeRow = existing
        ? { ...existing, ...details }
        : { ...details, status: 'ACTIVE', openedOn: null, closedOn: null };
      return store.practices.save(practice);
    });
  }

  /** Adds ICBs that do not exist yet. */
  async insertIcbs(icbs: readonly IcbRow[]): Promise<void> {
    for (const chunk of chunks(icbs, WRITE_CHUNK)) await this.icbs.insert(chunk);
  }

  /** Writes whole practice rows, inserting new ones and overwriting existing ones, a chunk per statement. */
  async writePractices(rows: readonly PracticeRow[]): Promise<void> {
    for (const chunk of chunks(rows, WRITE_CHUNK)) {
      await this.practices.upsert(chunk, { conflictPaths: ['odsCode'], skipUpdateIfNoValuesChanged: false });
    }
  }
}
