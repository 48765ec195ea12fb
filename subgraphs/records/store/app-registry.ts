import { In, type DataSource } from 'typeorm';
import type { TrustedOperation } from '../../../platform/trusted-operations';
import { ApprovedAppEntity, type ApprovedAppRow } from '../entities/approved-app';
import { ChangeLogEntity, type ChangeLogRow } from '../entities/change-log';
import { TrustedOperationEntity, type TrustedOperationRow } from '../entities/trusted-operation';

/** An approval as nhse gives it: the app's details, without the number of its operation list. */
export type Approval = Omit<ApprovedAppRow, 'operationList'>;

/** The approved apps: read on every app request (no cache outlives a request), written by nhse. */
export class AppRegistry {
  constructor(private readonly dataSource: DataSource) {}

  private get apps() {
    return this.dataSource.getRepository(ApprovedAppEntity);
  }

  byClientIds(clientIds: readonly string[]): Promise<ApprovedAppRow[]> {
    return this.apps.findBy({ clientId: In([...clientIds]) });
  }

  all(): Promise<ApprovedAppRow[]> {
    return this.apps.find({ order: { clientId: 'ASC' } });
  }

  /** The operations of an app's list in force, in the order registered (none for list 0). */
  async operations(app: Pick<ApprovedAppRow, 'clientId' | 'operationList'>): Promise<TrustedOperationRow[]> {
    if (app.operationList === 0) return [];
    return this.dataSource
      .getRepository(TrustedOperationEntity)
      .find({ where: { clientId: app.clientId, listNumber: app.operationList }, order: { position: 'ASC' } });
  }

  /** The body of the operation `id` in the app's list in force, or null (unknown app or id). Revoked or not: records' read rules judge the app. */
  async trustedBody(clientId: string, id: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(TrustedOperationEntity)
      .createQueryBuilder('operation')
      .select('operation.body', 'body')
      .innerJoin('approved_app', 'app', 'app.client_id = operation.client_id AND app.operation_list = operation.list_number')
      .where('operation.client_id = :clientId AND operation.id = :id', { clientId, id })
      .getRawOne<{ body: string }>();
    return row?.body ?? null;
  }

  /**
   * Approves (or approves again) an app, with its change-log row, in one transaction. Given
   * `operations`, they become a new list in force (the old list's rows stay, append-only);
   * otherwise the list in force stays (none for a new app).
   */
  async approve(app: Approval, change: ChangeLogRow, operations?: readonly TrustedOperation[]): Promise<ApprovedAppRow> {
    return this.dataSource.transaction(async (manager) => {
      const apps = manager.getRepository(ApprovedAppEntity);
      const existing = await apps.findOneBy({ clientId: app.clientId });
      // The UPDATE (or INSERT) comes first: on PostgreSQL it holds the app's row until commit, so two
      // replacements of one app take turns and never share a list number (SQLite writers take turns anyway).
      const { clientId, ...details } = app;
      if (existing) await apps.update({ clientId }, details);
      else await apps.insert({ ...app, operationList: 0 });
      let operationList = existing?.operationList ?? 0;
      if (operations) {
        const { last } = (await manager
          .getRepository(TrustedOperationEntity)
          .createQueryBuilder('operation')
          .select('MAX(operation.list_number)', 'last')
          .where('operation.client_id = :clientId', { clientId })
          .getRawOne<{ last: number | string | null }>()) ?? { last: null };
        operationList = Math.max(Number(last ?? 0), operationList) + 1;
        if (operations.length > 0) {
          await manager.getRepository(TrustedOperationEntity).insert(
            operations.map((operation, position) => ({
              clientId,
              listNumber: operationList,
              position,
              id: operation.id,
              name: operation.name,
              type: operation.type,
              body: operation.body,
            })),
          );
        }
        await apps.update({ clientId }, { operationList });
      }
      await manager.getRepository(ChangeLogEntity).insert(change);
      return { ...app, operationList };
    });
  }

  /** Revokes an approved app at `at`; false if it is unknown or already revoked (nothing changes). */
  async revoke(clientId: string, at: Date, by: string, change: ChangeLogRow): Promise<boolean> {
    let revoked = false;
    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .getRepository(ApprovedAppEntity)
        .createQueryBuilder()
        .update()
        .set({ revokedAt: at, revokedBy: by })
        .where('client_id = :clientId AND revoked_at IS NULL', { clientId })
        .execute();
      revoked = (result.affected ?? 0) === 1;
      if (revoked) await manager.getRepository(ChangeLogEntity).insert(change);
    });
    return revoked;
  }
}
