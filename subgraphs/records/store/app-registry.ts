import { In, type DataSource } from 'typeorm';
import { ApprovedAppEntity, type ApprovedAppRow } from '../entities/approved-app';
import { ChangeLogEntity, type ChangeLogRow } from '../entities/change-log';

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

  /** Approves (or approves again) an app, with its change-log row, in one transaction. */
  async approve(app: ApprovedAppRow, change: ChangeLogRow): Promise<ApprovedAppRow> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ApprovedAppEntity).save(app);
      await manager.getRepository(ChangeLogEntity).insert(change);
    });
    return app;
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
