import type { Clock } from '../common/clock';
import { SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER, VIEWER_HEADER } from '../common/request-signature';
import { encodeViewer, SUPPLIERS, type Supplier } from '../common/viewer';

/**
 * Who supplies a practice, asked of the practices subgraph (which owns it) over a signed
 * request, through its `_entities` field. Rollout keeps no copy that could drift. If the
 * practices subgraph cannot answer, this throws, and a change that needed the answer is
 * refused (fail closed).
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
  async suppliers(codes: readonly string[]): Promise<Map<string, Supplier>> {
    const body = JSON.stringify({
      query: 'query Suppliers($r: [_Any!]!) { _entities(representations: $r) { ... on Practice { odsCode supplier } } }',
      variables: { r: codes.map((odsCode) => ({ __typename: 'Practice', odsCode })) },
    });
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
    const result = (await response.json()) as { data?: { _entities?: unknown[] }; errors?: unknown[] };
    const entities = result.data?._entities;
    if (!Array.isArray(entities) || entities.length !== codes.length || result.errors?.length) {
      throw new Error('practices subgraph gave no usable answer');
    }
    const suppliers = new Map<string, Supplier>();
    for (const entity of entities) {
      if (!entity || typeof entity !== 'object') continue;
      const { odsCode, supplier } = entity as { odsCode?: unknown; supplier?: unknown };
      if (typeof odsCode === 'string' && SUPPLIERS.includes(supplier as Supplier)) suppliers.set(odsCode, supplier as Supplier);
    }
    return suppliers;
  }
}
