import { createHash } from 'node:crypto';
import { Kind, parse, print, type DocumentNode } from 'graphql';
import type { TokenRequest } from '../../gateway/token-claims';
import { manifestEntry, type TrustedOperation } from '../../platform/trusted-operations';
import { postGraphQL, type GraphQLResponse, type Supergraph } from './supergraph';

/** A test's document as one operation of a manifest: an anonymous operation is given a name from its text. */
function namedOperation(document: string): TrustedOperation {
  const parsed = parse(document);
  const named: DocumentNode = {
    ...parsed,
    definitions: parsed.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && !definition.name
        ? {
            ...definition,
            name: { kind: Kind.NAME, value: `Op${createHash('sha256').update(document).digest('hex').slice(0, 12)}` },
          }
        : definition,
    ),
  };
  return manifestEntry(print(named));
}

/** Drives the system the way its users do: through the gateway, with their tokens. */
export class Scenario {
  private readonly tokens = new Map<string, string>();
  constructor(readonly supergraph: Supergraph) {}

  async token(request: TokenRequest): Promise<string> {
    const key = JSON.stringify(request);
    if (!this.tokens.has(key)) this.tokens.set(key, await this.supergraph.token(request));
    return this.tokens.get(key)!;
  }

  /** Sends the document as the role would; an app sends it as Apollo Client's persisted-query link does, by id alone. */
  async as<T = Record<string, unknown>>(
    request: TokenRequest,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>> {
    if (request.role === 'app') return this.byId<T>(request, Scenario.operation(query).id, variables);
    return this.supergraph.graphql<T>(await this.token(request), query, variables);
  }

  /** An app's request by operation id: `extensions.persistedQuery`, no query text (unless `query` is given too). */
  async byId<T = Record<string, unknown>>(
    request: TokenRequest,
    id: string,
    variables?: Record<string, unknown>,
    query?: string,
  ): Promise<GraphQLResponse<T>> {
    return postGraphQL<T>(
      this.supergraph.url,
      { authorization: `Bearer ${await this.token(request)}` },
      { ...(query !== undefined && { query }), variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } },
    );
  }

  /** The manifest entry nhse registers for a test's document (an anonymous one named from its text). */
  static operation(document: string): TrustedOperation {
    return namedOperation(document);
  }

  /** Like `as`, but fails the test on any error. */
  async ok<T = Record<string, unknown>>(request: TokenRequest, query: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await this.as<T>(request, query, variables);
    if (response.body.errors?.length || response.status !== 200) {
      throw new Error(`Expected success, got HTTP ${response.status}: ${JSON.stringify(response.body.errors)}`);
    }
    return response.body.data as T;
  }

  at(instant: string): this {
    this.supergraph.clock.set(instant);
    return this;
  }

  static readonly nhse: TokenRequest = { role: 'nhse', subject: 'nhse-test' };
  static readonly analyst: TokenRequest = { role: 'analyst', subject: 'analyst-test' };
  /** The national registration service, the only one who moves a patient between practices. */
  static readonly registration: TokenRequest = { role: 'registration', subject: 'registration-test' };
  static supplier(supplier: string): TokenRequest {
    return { role: 'supplier', supplier };
  }
  static clinician(odsCode: string): TokenRequest {
    return { role: 'clinician', odsCode, subject: `gp-${odsCode}` };
  }
  static patient(nhsNumber: string, identityLevel = 'P9'): TokenRequest {
    return { role: 'patient', nhsNumber, identityLevel };
  }

  /**
   * nhse approves an app (record:read unless told otherwise), as IM1 would, with the documents
   * it may run as its trusted operations (given: they replace its list; left out: the list stays).
   */
  approveApp(clientId: string, scopes: string[] = ['record:read'], name = `App ${clientId}`, documents?: string[]) {
    return this.ok(
      Scenario.nhse,
      `mutation($c: ID!, $n: String!, $s: [String!]!, $o: [TrustedOperationInput!]) {
        approveApp(clientId: $c, name: $n, scopes: $s, operations: $o) { clientId } }`,
      { c: clientId, n: name, s: scopes, o: documents?.map((document) => Scenario.operation(document)) ?? null },
    );
  }

  static app(clientId: string, nhsNumber: string, scope = 'record:read'): TokenRequest {
    return { role: 'app', clientId, nhsNumber, identityLevel: 'P9', scope };
  }

  createPractice(odsCode: string, supplier = 'EMIS', icbCode = 'QWO') {
    return this.ok(Scenario.nhse, `mutation($input: PracticeInput!) { upsertPractice(input: $input) { odsCode } }`, {
      input: { odsCode, name: `Practice ${odsCode}`, postcode: 'LS1 3EX', supplier, icbCode, icbName: `ICB ${icbCode}` },
    });
  }

  schedule(odsCode: string, at: string, supplier = 'EMIS') {
    return this.ok(
      Scenario.supplier(supplier),
      `mutation($o: ID!, $at: DateTime!) { scheduleSwitchOn(odsCode: $o, at: $at) { accessStatus } }`,
      { o: odsCode, at },
    );
  }
  switchOn(odsCode: string, supplier = 'EMIS') {
    return this.ok(Scenario.supplier(supplier), `mutation($o: ID!) { switchOn(odsCode: $o) { accessStatus } }`, { o: odsCode });
  }
  pause(odsCode: string, reason = 'Clinical safety review', supplier = 'EMIS') {
    return this.ok(
      Scenario.supplier(supplier),
      `mutation($o: ID!, $r: String!) { pauseAccess(odsCode: $o, reason: $r) { accessStatus } }`,
      { o: odsCode, r: reason },
    );
  }
  resume(odsCode: string, at: string | null = null, supplier = 'EMIS') {
    return this.ok(
      Scenario.supplier(supplier),
      `mutation($o: ID!, $at: DateTime) { resumeAccess(odsCode: $o, at: $at) { accessStatus } }`,
      { o: odsCode, at },
    );
  }

  registerPatient(odsCode: string, nhsNumber: string, dateOfBirth = '1980-04-12') {
    return this.ok(
      Scenario.clinician(odsCode),
      `mutation($input: RegisterPatientInput!) { registerPatient(input: $input) { nhsNumber } }`,
      {
        input: { nhsNumber, odsCode, dateOfBirth },
      },
    );
  }

  /** The national registration service registers the patient at `odsCode`, moving them from any other. */
  transferRegistration(odsCode: string, nhsNumber: string, dateOfBirth = '1980-04-12') {
    return this.ok(
      Scenario.registration,
      `mutation($input: RegisterPatientInput!) { transferRegistration(input: $input) { nhsNumber } }`,
      { input: { nhsNumber, odsCode, dateOfBirth } },
    );
  }

  async addEntry(
    odsCode: string,
    nhsNumber: string,
    title: string,
    type = 'CONSULTATION_NOTE',
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const data = await this.ok<{ addRecordEntry: { id: string } }>(
      Scenario.clinician(odsCode),
      `mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }`,
      { input: { nhsNumber, type, title, body: `Body of ${title}`, ...extra } },
    );
    return data.addRecordEntry.id;
  }

  fileEntry(odsCode: string, id: string) {
    return this.ok(Scenario.clinician(odsCode), `mutation($id: ID!) { fileRecordEntry(id: $id) { filedAt } }`, { id });
  }
  hideEntry(odsCode: string, id: string, reason = 'Third-party information') {
    return this.ok(
      Scenario.clinician(odsCode),
      `mutation($id: ID!, $r: String!) { hideRecordEntry(id: $id, reason: $r) { id } }`,
      { id, r: reason },
    );
  }
  exclude(odsCode: string, nhsNumber: string, excluded: boolean) {
    return this.ok(
      Scenario.clinician(odsCode),
      `mutation($n: ID!, $e: Boolean!) { setOnlineAccessExclusion(nhsNumber: $n, excluded: $e) { nhsNumber } }`,
      { n: nhsNumber, e: excluded },
    );
  }

  /** What the patient sees: their access state and the titles of their visible entries, newest first. */
  async patientSees(
    nhsNumber: string,
  ): Promise<{ state: string; visibleFrom: string | null; titles: string[]; totalCount: number }> {
    const data = await this.ok<{
      me: {
        onlineAccess: { state: string; visibleFrom: string | null };
        record: { totalCount: number; edges: { node: { title: string } }[] };
      };
    }>(
      Scenario.patient(nhsNumber),
      `{ me { onlineAccess { state visibleFrom } record(first: 100) { totalCount edges { node { title } } } } }`,
    );
    return {
      state: data.me.onlineAccess.state,
      visibleFrom: data.me.onlineAccess.visibleFrom,
      titles: data.me.record.edges.map((edge) => edge.node.title),
      totalCount: data.me.record.totalCount,
    };
  }
}

export function codes(response: GraphQLResponse<unknown>): (string | undefined)[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}

/** Expects the gateway's whole-request refusal of a full share: 503, a second's wait, OVERLOADED. */
export async function expectOverloaded(refused: Response): Promise<void> {
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(await refused.json()).toEqual({
    errors: [
      {
        message: 'Too many operations of this kind at once: try again shortly',
        extensions: { code: 'OVERLOADED', requestId: refused.headers.get('x-request-id') },
      },
    ],
  });
}

/**
 * A practice switched on at 09:00 on 1 January 2023, one patient of it, and one entry added an
 * hour later (clear of the switch-on by more than the clock tolerance), then the clock at `now`:
 * a page that shows exactly that entry when every service answers.
 */
export async function oneEntryWorld(
  supergraph: Supergraph,
  world: { odsCode: string; nhsNumber: string; title: string; now: string },
): Promise<Scenario> {
  const s = new Scenario(supergraph);
  s.at('2023-01-01T09:00:00.000Z');
  await s.createPractice(world.odsCode);
  await s.switchOn(world.odsCode);
  await s.registerPatient(world.odsCode, world.nhsNumber);
  s.at('2023-01-01T10:00:00.000Z');
  await s.addEntry(world.odsCode, world.nhsNumber, world.title);
  s.at(world.now);
  return s;
}
