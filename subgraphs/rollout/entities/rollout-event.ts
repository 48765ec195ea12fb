import { EntitySchema } from 'typeorm';
import { instantColumn, nullableInstantColumn } from '../../runtime/instants';

/** One row of a practice's append-only rollout history; `seq` orders it and guards races. */
export interface RolloutEventRow {
  id?: number;
  odsCode: string;
  seq: number;
  kind: string;
  at: Date;
  actorRole: string;
  actorId: string;
  reason: string | null;
  plannedSwitchOnAt: Date | null;
  noticeOverridden: boolean;
}

export const RolloutEventEntity = new EntitySchema<RolloutEventRow>({
  name: 'RolloutEvent',
  tableName: 'rollout_event',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    odsCode: { name: 'ods_code', type: 'varchar', length: 6 },
    seq: { type: 'integer' },
    kind: { type: 'varchar', length: 16 },
    at: { ...instantColumn },
    actorRole: { name: 'actor_role', type: 'varchar', length: 16 },
    actorId: { name: 'actor_id', type: 'varchar', length: 200 },
    reason: { type: 'varchar', length: 500, nullable: true },
    plannedSwitchOnAt: { name: 'planned_switch_on_at', ...nullableInstantColumn },
    noticeOverridden: { name: 'notice_overridden', type: 'boolean', default: false },
  },
});
