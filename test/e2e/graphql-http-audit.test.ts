import { auditServer, type AuditResult } from 'graphql-http';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The GraphQL-over-HTTP server audits of `graphql-http` against the gateway (as an analyst,
 * whose token may read anything the audits ask for). Every MUST passes; each SHOULD or MAY
 * that does not is listed here with the reason (and in the README), so a new one fails the test.
 */
const EXPLAINED: Record<string, string> = {
  // Apollo Server answers a request it cannot parse or validate with 400, also for the legacy
  // `application/json` response type, where the spec prefers 200; clients get the errors either way.
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
  // CSRF prevention: a GET must carry a header no browser form can send (apollo-require-preflight
  // or a non-simple content type); the audits' plain GETs do not, so they are refused on purpose.
  '5A70': 'MAY accept application/x-www-form-urlencoded formatted GET requests',
  D6D5: 'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  '6A70': 'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
};

describe('the GraphQL-over-HTTP audit of the gateway', () => {
  let supergraph: Supergraph;
  let results: AuditResult[];

  beforeAll(async () => {
    supergraph = await startSupergraph();
    const token = await new Scenario(supergraph).token(Scenario.analyst);
    results = await auditServer({
      url: supergraph.url,
      fetchFn: (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
        fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` } }),
    });
  }, 60_000);
  afterAll(() => supergraph.stop());

  it('passes every MUST', () => {
    expect(results.filter((result) => result.status === 'error').map((result) => `${result.id} ${result.name}`)).toEqual([]);
  });

  it('misses only the SHOULDs and MAYs explained here, and no others', () => {
    const missed = Object.fromEntries(
      results.filter((result) => result.status !== 'ok').map((result) => [result.id, result.name]),
    );
    expect(missed).toEqual(EXPLAINED);
    expect(results.length).toBeGreaterThan(50);
  });
});
