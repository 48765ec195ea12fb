import type { Clock } from '../common/clock';
import { SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER, VIEWER_HEADER } from '../common/request-signature';
import { isPracticeSupplier, type PracticeSupplier } from '../common/suppliers';
import { encodeViewer } from '../common/viewer';
import type { PracticeMember } from './domain/rollout-figures';

/** Which practices a figure covers: all, one supplier's, one ICB's. */
export interface MembershipFilter {
  supplier?: PracticeSupplier | null;
  icbCode?: string | null;
}

const isDay = (value: unknown): value is string | null =>
  value === null || (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value));

/**
 * What the practices subgraph (the owner) says about practices, asked over signed requests
 * each time it is needed: who supplies a practice, and which practices belong to which ICB
 * and supplier. Rollout keeps no copy that could drift. If the practices subgraph cannot
 * answer, or answers something malformed, this throws and the request that needed it fails
 * (fail closed: no figure from half the data).
 */
export class PracticeDirectory {
  private readonly viewer = encodeViewer({ role: 'service', subject: 'rollout' });

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly timeoutMs = 5000,
  ) {}

  /** Supplier of each known practice; codes absent from the map are unknown practices. */
  async suppliers(codes: readonly string[]): Promise<Map<string, PracticeSupplier>> {
    const entities = await this.call(
      'query Suppliers($r: [_Any!]!) { _entities(representations: $r) { ... on Practice { odsCode supplier } } }',
      { r: codes.map((odsCode) => ({ __typename: 'Practice', odsCode })) },
      '_entities',
    );
    if (entities.length !== codes.length) throw new Error('practices subgraph gave no usable answer');
    const suppliers = new Map<string, PracticeSupplier>();
    for (const entity of entities) {
      if (!entity || typeof entity !== 'object') continue;
      const { odsCode, supplier } = entity as { odsCode?: unknown; supplier?: unknown };
      if (typeof odsCode === 'string' && isPracticeSupplier(supplier)) suppliers.set(odsCode, supplier);
    }
    return suppliers;
  }

  /** Every practice matching the filter with its ICB, supplier and open/close dates. */
  async membership(filter: MembershipFilter = {}): Promise<PracticeMember[]> {
    const rows = await this.call(
      `query Membership($supplier: GpSystemSupplier, $icbCode: ID) {
        practiceMembership(supplier: $supplier, icbCode: $icbCode) { odsCode supplier icbCode icbName openedOn closedOn }
      }`,
      { supplier: filter.supplier ?? null, icbCode: filter.icbCode ?? null },
      'practiceMembership',
    );
    return rows.map((row) => {
      const { odsCode, supplier, icbCode, icbName, openedOn, closedOn } = (row ?? {}) as Record<string, unknown>;
      const valid =
        typeof odsCode === 'string' &&
        isPracticeSupplier(supplier) &&
        typeof icbCode === 'string' &&
        typeof icbName === 'string' &&
        isDay(openedOn) &&
        isDay(closedOn);
      if (!valid) throw new Error('practices subgraph sent a malformed membership row');
      return { odsCode, supplier, icbCode, icbName, openedOn, closedOn };
    });
  }

  /** One signed GraphQL request as the rollout service; the named root field's list, or a throw. */
  private async call(query: string, variables: Record<string, unknown>, field: string): Promise<unknown[]> {
    const body = JSON.stringify({ query, variables });
    const timestamp = String(this.clock.now().getTime());
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [VIEWER_HEADER]: this.viewer,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signRequest(this.secret, { timestamp, viewer: this.viewer, body }),
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`practices subgraph answered HTTP ${response.status}`);
    const result = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    const list = result.data?.[field];
    if (!Array.isArray(list) || result.errors?.length) throw new Error('practices subgraph gave no usable answer');
    return list as unknown[];
  }
}
