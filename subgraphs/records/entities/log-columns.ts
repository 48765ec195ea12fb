import { instantColumn } from '../../runtime/instants';

/** What every row of the two append-only logs says first: its id, when, in which request, who. */
export interface LogRowBase {
  id?: number;
  at: Date;
  requestId: string;
  actorRole: string;
  actorId: string;
}

export const logColumns = {
  id: { type: 'integer', primary: true, generated: 'increment' },
  at: { ...instantColumn },
  requestId: { name: 'request_id', type: 'varchar', length: 100 },
  actorRole: { name: 'actor_role', type: 'varchar', length: 16 },
  actorId: { name: 'actor_id', type: 'varchar', length: 200 },
} as const;
