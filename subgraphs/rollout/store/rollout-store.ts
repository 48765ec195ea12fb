import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../runtime/database';
import { fromRequiredInstant, fromStoredInstant } from '../../runtime/instants';
import { namedQuery } from '../../runtime/named-query';
import { readDataVersion, type DataVersionSpec } from '../../runtime/data-version';
import { conflict } from '../../../platform/errors';
import type { RolloutEvent } from '../domain/rollout-event';
import { RolloutEventEntity, type RolloutEventRow } from '../entities/rollout-event';

interface RawEventRow {
  odsCode: string;
  kind: string;
  at: string | number;
  actorRole: string;
  actorId: string;
  reason: string | null;
  plannedSwitchOnAt: string | number | null;
  noticeOverridden: boolean | number | string;
}

/** The columns of a RawEventRow, as a SELECT list. */
const RAW_EVENT_COLUMNS =
  'ods_code AS "odsCode", kind AS "kind", at AS "at", actor_role AS "actorRole", actor_id AS "actorId", reason AS "reason", ' +
  'planned_switch_on_at AS "plannedSwitchOnAt", notice_overridden AS "noticeOverridden"';

/** A raw row as an event: bigint instants arrive as strings from PostgreSQL, booleans as 0/1 from SQLite. */
const fromRaw = (row: RawEventRow): RolloutEvent => ({
  kind: row.kind as RolloutEvent['kind'],
  at: fromRequiredInstant(row.at),
  actor: { role: row.actorRole as RolloutEvent['actor']['role'], id: row.actorId },
  reason: row.reason,
  plannedSwitchOnAt: fromStoredInstant(row.plannedSwitchOnAt),
  noticeOverridden: row.noticeOverridden === true || row.noticeOverridden === 1 || row.noticeOverridden === '1',
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
  noticeOverridden: event.noticeOverridden,
});

/** The rollout history's data version: every write to rollout_event changes it (migration 1764300000001). */
export const ROLLOUT_HISTORY_VERSION: DataVersionSpec = { name: 'rollout_history', tables: ['rollout_event'] };

/** Reads and appends rollout histories. Nothing here updates or deletes an event. */
export class RolloutStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Every history asked for, in one query; a practice with no events gets []. */
  async histories(codes: readonly string[]): Promise<Map<string, RolloutEvent[]>> {
    // Every patient's page reads one: hand-written SQL of constant text (named-query.ts).
    const rows = await namedQuery<RawEventRow>(
      this.dataSource,
      `SELECT ${RAW_EVENT_COLUMNS} FROM rollout_event WHERE ods_code IN (:...codes) ORDER BY ods_code ASC, seq ASC`,
      { codes: [...codes] },
    );
    const byCode = new Map<string, RolloutEvent[]>(codes.map((code) => [code, []]));
    for (const row of rows) byCode.get(row.odsCode)?.push(fromRaw(row));
    return byCode;
  }

  /** The rollout history's data version: the database changes it with every event written (data-version.ts). */
  historyVersion(): Promise<string> {
    return readDataVersion(this.dataSource.manager, ROLLOUT_HISTORY_VERSION.name);
  }

  /**
   * Every practice's history, for figures over the whole rollout: one statement, rows read raw
   * (no entity hydration), since a national timeline reads every event there is.
   */
  async allHistories(): Promise<Map<string, RolloutEvent[]>> {
    const rows = await namedQuery<RawEventRow>(
      this.dataSource,
      `SELECT ${RAW_EVENT_COLUMNS} FROM rollout_event ORDER BY ods_code ASC, seq ASC`,
      {},
    );
    const byCode = new Map<string, RolloutEvent[]>();
    for (const row of rows) {
      const event = fromRaw(row);
      const history = byCode.get(row.odsCode);
      if (history) history.push(event);
      else byCode.set(row.odsCode, [event]);
    }
    return byCode;
  }

  /**
   * Appends events to several practices' histories at once, all or nothing: a wave. If any
   * practice was changed meanwhile, the unique (ods_code, seq) index refuses it, the whole
   * wave is rolled back, and the caller gets CONFLICT.
   */
  async appendAll(appends: readonly { odsCode: string; seq: number; event: RolloutEvent }[]): Promise<void> {
    const rows = appends.map(({ odsCode, seq, event }) => toRow(odsCode, seq, event));
    try {
      await this.dataSource.transaction(async (manager) => {
        for (let i = 0; i < rows.length; i += 200) await manager.getRepository(RolloutEventEntity).insert(rows.slice(i, i + 200));
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('One of the practices was changed at the same moment by someone else; nothing was scheduled: try again');
      }
      throw error;
    }
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
