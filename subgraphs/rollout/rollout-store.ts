import { In, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../common/database';
import { conflict } from '../common/errors';
import type { RolloutEvent } from './domain/rollout-event';
import { RolloutEventEntity, type RolloutEventRow } from './entities/rollout-event';

const toEvent = (row: RolloutEventRow): RolloutEvent => ({
  kind: row.kind as RolloutEvent['kind'],
  at: row.at,
  actor: { role: row.actorRole as RolloutEvent['actor']['role'], id: row.actorId },
  reason: row.reason,
  plannedSwitchOnAt: row.plannedSwitchOnAt,
});

/** The stored form of event number `seq` of a practice's history. */
export const toRow = (odsCode: string, seq: number, event: RolloutEvent): RolloutEventRow => ({
  odsCode,
  seq,
  kind: event.kind,
  at: event.at,
  actorRole: event.actor.role,
  actorId: event.actor.id,
  reason: event.reason,
  plannedSwitchOnAt: event.plannedSwitchOnAt,
});

/** Reads and appends rollout histories. Nothing here updates or deletes an event. */
export class RolloutStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Every history asked for, in one query; a practice with no events gets []. */
  async histories(codes: readonly string[]): Promise<Map<string, RolloutEvent[]>> {
    const rows = await this.dataSource
      .getRepository(RolloutEventEntity)
      .find({ where: { odsCode: In([...codes]) }, order: { odsCode: 'ASC', seq: 'ASC' } });
    const byCode = new Map<string, RolloutEvent[]>(codes.map((code) => [code, []]));
    for (const row of rows) byCode.get(row.odsCode)?.push(toEvent(row));
    return byCode;
  }

  /**
   * Appends `event` as number `seq` of the practice's history. If another change got there
   * first, the unique (ods_code, seq) index refuses it and the caller gets CONFLICT.
   */
  async append(odsCode: string, seq: number, event: RolloutEvent): Promise<void> {
    try {
      await this.dataSource.getRepository(RolloutEventEntity).insert(toRow(odsCode, seq, event));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('The practice was changed at the same moment by someone else; try again');
      }
      throw error;
    }
  }
}
