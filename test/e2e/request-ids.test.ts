import { capturedLogger } from '../helpers/captured-logger';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Every error a client can receive from the gateway carries `extensions.requestId`, the same id
 * as the answer's x-request-id header and the gateway's log lines (docs/api.md "Errors";
 * decision 0061): Apollo's errors, the subgraphs' passed on, and the gateway's own refusals made
 * before GraphQL runs. Real HTTP through the gateway.
 */
describe('the request id in every error', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const { logger, lines } = capturedLogger('info');
  const practice = 'A81020';
  const nhsNumber = '9990001375';
  const WEB = 'http://localhost:4100';

  beforeAll(async () => {
    supergraph = await startSupergraph({ logger, corsAllowedOrigins: [WEB] });
    s = new Scenario(supergraph);
    await s.createPractice(practice);
  });
  afterAll(() => supergraph.stop());

  interface Answer {
    status: number;
    header: string | null;
    errors: { message: string; extensions?: Record<string, unknown> }[];
  }

  const send = async (init: { method?: string; search?: string; headers?: Record<string, string>; body?: string }) => {
    const response = await fetch(`${supergraph.url}${init.search ?? ''}`, {
      method: init.method ?? 'POST',
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const body = (await response.json()) as { errors?: Answer['errors'] };
    return { status: response.status, header: response.headers.get('x-request-id'), errors: body.errors ?? [] };
  };
  const json = async (who: Parameters<Scenario['token']>[0] | null, body: unknown, headers: Record<string, string> = {}) =>
    send({
      headers: {
        'content-type': 'application/json',
        ...(who ? { authorization: `Bearer ${await s.token(who)}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** At least one error, each with the header's id; the code and status as given. */
  const expectStamped = (answer: Answer, status: number, code: string) => {
    expect({ status: answer.status, codes: answer.errors.map((e) => e.extensions?.code) }).toEqual({
      status,
      codes: expect.arrayContaining([code]) as unknown,
    });
    expect(answer.header).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const error of answer.errors) expect(error.extensions?.requestId).toBe(answer.header);
  };

  const patient = Scenario.patient(nhsNumber);
  const ME = '{ me { nhsNumber } }';

  it.each<[string, () => Promise<Answer>, number, string]>([
    ['no token (401)', () => json(null, { query: ME }), 401, 'UNAUTHENTICATED'],
    [
      'a token that does not verify (401)',
      () => json(null, { query: ME }, { authorization: 'Bearer x.y.z' }),
      401,
      'UNAUTHENTICATED',
    ],
    [
      'a body over 1 MB (413)',
      () => json(patient, { query: ME, variables: { v: 'x'.repeat(1024 * 1024) } }),
      413,
      'BAD_USER_INPUT',
    ],
    [
      'NUL in the body (400)',
      () => json(patient, `{"query":"{ me { nhsNumber } }","variables":{"v":"a\\u0000b"}}`),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'NUL in a GET (400)',
      async () =>
        send({
          method: 'GET',
          search: `?query=${encodeURIComponent(ME)}&variables=%7B%22v%22%3A%22%00%22%7D`,
          headers: { authorization: `Bearer ${await s.token(patient)}`, 'apollo-require-preflight': 'true' },
        }),
      400,
      'BAD_USER_INPUT',
    ],
    ['a body that is not JSON (400)', () => json(patient, '{ "query": '), 400, 'BAD_USER_INPUT'],
    [
      'CSRF prevention (400)',
      async () =>
        send({ headers: { authorization: `Bearer ${await s.token(patient)}`, 'content-type': 'text/plain' }, body: ME }),
      400,
      'BAD_USER_INPUT',
    ],
    ['a batch (400)', () => json(patient, [{ query: ME }, { query: ME }]), 400, 'BAD_USER_INPUT'],
    ['a document that does not parse (400)', () => json(patient, { query: '{ me { ' }), 400, 'BAD_USER_INPUT'],
    ['a document that does not validate (400)', () => json(patient, { query: '{ me { nhsNumbr } }' }), 400, 'BAD_USER_INPUT'],
    ['a request limit (400)', () => json(patient, { query: `{ ${'me { nhsNumber } '.repeat(21)} }` }), 400, 'BAD_USER_INPUT'],
    ['introspection by a patient (403)', () => json(patient, { query: '{ __schema { types { name } } }' }), 403, 'FORBIDDEN'],
    [
      'a mutation over GET (405)',
      async () =>
        send({
          method: 'GET',
          search: `?query=${encodeURIComponent('mutation { switchOn(odsCode: "A81020") { accessStatus } }')}`,
          headers: { authorization: `Bearer ${await s.token(Scenario.nhse)}`, 'apollo-require-preflight': 'true' },
        }),
      405,
      'BAD_USER_INPUT',
    ],
    [
      'a subgraph’s refusal in the data (200)',
      () => json(patient, { query: '{ patient(nhsNumber: "9990001375") { nhsNumber } }' }),
      200,
      'FORBIDDEN',
    ],
    [
      'a subgraph’s invalid input (200)',
      () => json(Scenario.clinician(practice), { query: '{ patient(nhsNumber: "123") { nhsNumber } }' }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an origin not on the list (403)',
      () => json(patient, { query: ME }, { origin: 'https://elsewhere.example' }),
      403,
      'FORBIDDEN',
    ],
  ])('%s', async (_what, request, status, code) => {
    expectStamped(await request(), status, code);
  });

  it('gives each request its own id, also when the errors are the same', async () => {
    const first = await json(null, { query: ME });
    const second = await json(null, { query: ME });
    expect(first.errors[0]!.extensions?.requestId).not.toBe(second.errors[0]!.extensions?.requestId);
  });

  it('logs an operation’s errors under the id the client was given', async () => {
    const answer = await json(patient, { query: '{ patient(nhsNumber: "9990001375") { nhsNumber } }' });
    const id = answer.errors[0]!.extensions?.requestId;
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.requestId === id);
    // The gateway's line and the subgraph's (the id travels with the signed call) both carry it.
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'operation', role: 'patient', errors: ['FORBIDDEN'] }));
    expect(logged.length).toBe(2);
  });

  it('stamps a subgraph that is down: SERVICE_UNAVAILABLE, logged as unavailable under the same id', async () => {
    const other = await startSupergraph({ logger });
    try {
      await other.stopSubgraph('practices');
      const response = await fetch(other.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await other.token(Scenario.nhse)}` },
        body: JSON.stringify({ query: '{ practices { totalCount } }' }),
      });
      const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
      const id = response.headers.get('x-request-id');
      expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', requestId: id }]);
      const masked = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((e) => e.msg === 'subgraph unavailable: try again answered');
      expect(masked.map((entry) => entry.requestId)).toContain(id);
    } finally {
      await other.stop();
    }
  });
});
