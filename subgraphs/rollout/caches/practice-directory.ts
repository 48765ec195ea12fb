import type { Clock } from '../../../platform/clock';
import { signedHeaders, targetOf, type SignatureTarget } from '../../../platform/request-signature';
import { isPracticeSupplier, type PracticeSupplier } from '../../runtime/suppliers';
import { VersionedSnapshot } from '../../runtime/versioned-snapshot';
import { encodeViewer } from '../../../platform/viewer';
import type { PracticeMember } from '../domain/rollout-figures';

/** Which practices a figure covers: all, one supplier's, one ICB's. */
export interface MembershipFilter {
  supplier?: PracticeSupplier | null;
  icbCode?: string | null;
}

const isDay = (value: unknown): value is string | null =>
  value === null || (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value));

/** The ODS codes of each kept membership, worked out once. */
const codesOfKept = new WeakMap<readonly PracticeMember[], ReadonlySet<string>>();
function codesOf(members: readonly PracticeMember[]): ReadonlySet<string> {
  let codes = codesOfKept.get(members);
  if (codes === undefined) {
    codes = new Set(members.map((member) => member.odsCode));
    codesOfKept.set(members, codes);
  }
  return codes;
}

/** Filtered kept memberships, by filter: the same frozen array each time, so figures over it can be remembered. */
const filteredKept = new WeakMap<readonly PracticeMember[], Map<string, readonly PracticeMember[]>>();

/** The members a filter keeps (an empty or missing part keeps all), in the order given. */
export function membersMatching(
  members: readonly PracticeMember[],
  { supplier, icbCode }: MembershipFilter,
): readonly PracticeMember[] {
  if (!supplier && !icbCode) return members;
  const key = `${supplier ?? ''}|${icbCode ?? ''}`;
  const known = filteredKept.get(members)?.get(key);
  if (known !== undefined) return known;
  const matching = members.filter(
    (member) => (!supplier || member.supplier === supplier) && (!icbCode || member.icbCode === icbCode),
  );
  if (!Object.isFrozen(members)) return matching;
  let byFilter = filteredKept.get(members);
  if (byFilter === undefined) {
    byFilter = new Map();
    filteredKept.set(members, byFilter);
  }
  byFilter.set(key, Object.freeze(matching));
  return byFilter.get(key)!;
}

/**
 * What the practices subgraph (the owner) says about practices, asked over signed requests:
 * who supplies a practice, and which practices belong to which ICB and supplier. Rollout keeps
 * no copy that could drift: it keeps the whole membership only under the directory's data
 * version, which it asks for on every call, so a change to a practice shows in the next figure
 * (see VersionedSnapshot). If the practices subgraph cannot answer, or answers something
 * malformed, this throws and the request that needed it fails (fail closed: no figure from half
 * the data, nor from a membership it can no longer vouch for).
 */
export class PracticeDirectory {
  private readonly viewer = encodeViewer({ role: 'service', subject: 'rollout' });
  private readonly target: SignatureTarget;
  private readonly members = new VersionedSnapshot<readonly PracticeMember[]>();
  /** The last membership read (see `known`). */
  private lastRead: readonly PracticeMember[] | undefined;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly timeoutMs = 5000,
  ) {
    this.target = targetOf('practices', url);
  }

  /** Supplier of each known practice; codes absent from the map are unknown practices. */
  async suppliers(codes: readonly string[]): Promise<Map<string, PracticeSupplier>> {
    const entities = await this.call(
      'query Suppliers($r: [_Any!]!) { _entities(representations: $r) { ... on Practice { odsCode supplier } } }',
      { r: codes.map((odsCode) => ({ __typename: 'Practice', odsCode })) },
      '_entities',
    );
    if (!Array.isArray(entities) || entities.length !== codes.length) throw new Error('practices subgraph gave no usable answer');
    const suppliers = new Map<string, PracticeSupplier>();
    for (const entity of entities) {
      if (!entity || typeof entity !== 'object') continue;
      const { odsCode, supplier } = entity as { odsCode?: unknown; supplier?: unknown };
      if (typeof odsCode === 'string' && isPracticeSupplier(supplier)) suppliers.set(odsCode, supplier);
    }
    return suppliers;
  }

  /** Every practice with its ICB, supplier and open/close dates, ordered by ODS code, as of now. */
  async membership(): Promise<readonly PracticeMember[]> {
    const version = await this.call('query DirectoryVersion { practiceDirectoryVersion }', {}, 'practiceDirectoryVersion');
    if (typeof version !== 'string' || version.length === 0) throw new Error('practices subgraph gave no usable answer');
    const members = await this.members.read(version, () => this.readMembership());
    this.lastRead = members;
    return members;
  }

  /**
   * Which of these ODS codes name practices the practices subgraph knows. The practices
   * subgraph never deletes a practice (a closed one is kept and marked), so a code in the last
   * membership read is known without asking again: a patient's view costs the practices
   * subgraph nothing, and goes on while it is down. Any other code costs the directory's
   * version (and the membership, if it changed), and fails the request if the practices
   * subgraph cannot answer.
   */
  async known(codes: readonly string[]): Promise<ReadonlySet<string>> {
    if (this.lastRead) {
      const last = codesOf(this.lastRead);
      if (codes.every((code) => last.has(code))) return last;
    }
    return codesOf(await this.membership());
  }

  private async readMembership(): Promise<readonly PracticeMember[]> {
    const rows = await this.call(
      'query Membership { practiceMembership { odsCode supplier icbCode icbName openedOn closedOn } }',
      {},
      'practiceMembership',
    );
    if (!Array.isArray(rows)) throw new Error('practices subgraph gave no usable answer');
    const members = rows.map((row: unknown) => {
      const { odsCode, supplier, icbCode, icbName, openedOn, closedOn } = (row ?? {}) as Record<string, unknown>;
      const valid =
        typeof odsCode === 'string' &&
        isPracticeSupplier(supplier) &&
        typeof icbCode === 'string' &&
        typeof icbName === 'string' &&
        isDay(openedOn) &&
        isDay(closedOn);
      if (!valid) throw new Error('practices subgraph sent a malformed membership row');
      // Shared by every request while the version holds: frozen, so none can change it for the others.
      return Object.freeze({ odsCode, supplier, icbCode, icbName, openedOn, closedOn });
    });
    return Object.freeze(members);
  }

  /** One signed GraphQL request as the rollout service; the named root field's value, or a throw. */
  private async call(query: string, variables: Record<string, unknown>, field: string): Promise<unknown> {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(this.secret, { ...this.target, viewer: this.viewer, body, at: this.clock.now() }),
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`practices subgraph answered HTTP ${response.status}`);
    const result = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    const value = result.data?.[field];
    if (value === undefined || value === null || result.errors?.length)
      throw new Error('practices subgraph gave no usable answer');
    return value;
  }
}
