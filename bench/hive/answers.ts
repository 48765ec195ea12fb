/**
 * Does each gateway answer correctly? Every operation is sent to the reference gateway (ours:
 * the end-to-end suite proves its answers) and to each gateway under test; an answer is
 * correct when it has no errors and its data equals the reference's, keys compared in a stable
 * order (list order kept: it carries meaning, newest first). The reference itself is flagged
 * when it answers with errors or no data, and nothing is then judged against it.
 */
export interface ProbeOperation {
  name: string;
  token: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface GatewayUnderProbe {
  name: string;
  url: string;
}

export type Verdict =
  | { kind: 'correct'; status: number }
  /** `reason`: the first error (code and message, with its path) or the first path where the data differs. */
  | { kind: 'wrong'; status: number; reason: string }
  /** The reference answered with errors: nothing to judge against. `reason` says what this gateway answered. */
  | { kind: 'unjudged'; status: number; reason: string };

export interface OperationAnswers {
  operation: string;
  /** By gateway name, the reference first. */
  verdicts: Record<string, Verdict>;
}

interface GraphQLBody {
  data?: unknown;
  errors?: { message?: unknown; path?: unknown; extensions?: { code?: unknown } }[];
}

interface Answer {
  status: number;
  body: GraphQLBody;
}

async function ask(url: string, operation: ProbeOperation): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operation.token}` },
    body: JSON.stringify({ query: operation.query, variables: operation.variables ?? {} }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLBody };
  } catch {
    return { status: response.status, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

/** The first error of an answer, in one line; undefined when it has none (and has data). */
function firstError({ status, body }: Answer): string | undefined {
  const error = body.errors?.[0];
  if (error) {
    const code = typeof error.extensions?.code === 'string' ? `${error.extensions.code}: ` : '';
    const path = Array.isArray(error.path) ? ` (at ${error.path.join('.')})` : '';
    const more = body.errors && body.errors.length > 1 ? ` [+${body.errors.length - 1} more]` : '';
    return `${code}${String(error.message)}${path}${more}`;
  }
  if (status !== 200) return `HTTP ${status}`;
  if (body.data === undefined || body.data === null) return 'no data';
  return undefined;
}

/** Objects with their keys sorted, recursively; arrays in their own order. */
export function stableSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stableSorted);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, stableSorted((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The first path at which two JSON values differ, e.g. `me.record.edges[3].node.title`; undefined if equal. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  const here = path || '(root)';
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${here}: list expected on one side only`;
    for (let i = 0; i < Math.max(expected.length, actual.length); i += 1) {
      if (i >= expected.length || i >= actual.length) {
        return `${here}: ${expected.length} items expected, ${actual.length} given`;
      }
      const difference = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const difference = firstDifference(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (difference) return difference;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${here}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/**
 * Sends every operation to each gateway, one at a time, and judges each answer against the
 * first gateway's (the reference: ours).
 */
export async function compareAnswers(
  gateways: readonly GatewayUnderProbe[],
  operations: readonly ProbeOperation[],
): Promise<OperationAnswers[]> {
  const [reference, ...others] = gateways;
  if (!reference) throw new Error('compareAnswers needs at least the reference gateway');
  const results: OperationAnswers[] = [];
  for (const operation of operations) {
    const expected = await ask(reference.url, operation);
    const referenceError = firstError(expected);
    const verdicts: Record<string, Verdict> = {
      [reference.name]: referenceError
        ? { kind: 'wrong', status: expected.status, reason: referenceError }
        : { kind: 'correct', status: expected.status },
    };
    for (const other of others) {
      const actual = await ask(other.url, operation);
      const error = firstError(actual);
      if (referenceError) {
        verdicts[other.name] = { kind: 'unjudged', status: actual.status, reason: error ?? 'answered without errors' };
      } else if (error) {
        verdicts[other.name] = { kind: 'wrong', status: actual.status, reason: error };
      } else {
        const difference = firstDifference(stableSorted(expected.body.data), stableSorted(actual.body.data));
        verdicts[other.name] = difference
          ? { kind: 'wrong', status: actual.status, reason: `data differs at ${difference}` }
          : { kind: 'correct', status: actual.status };
      }
    }
    results.push({ operation: operation.name, verdicts });
  }
  return results;
}

/** Operations every gateway answered correctly: the ones worth timing. */
export function answeredCorrectlyByAll(results: readonly OperationAnswers[]): string[] {
  return results.filter((result) => Object.values(result.verdicts).every((v) => v.kind === 'correct')).map((r) => r.operation);
}

/** A markdown table: one row per operation, one column per gateway. */
export function answersTable(results: readonly OperationAnswers[]): string {
  const gateways = Object.keys(results[0]?.verdicts ?? {});
  const cell = (verdict: Verdict | undefined) =>
    !verdict
      ? '–'
      : verdict.kind === 'correct'
        ? `correct (${verdict.status})`
        : `${verdict.kind.toUpperCase()} (${verdict.status}): ${verdict.reason.replace(/\|/g, '\\|')}`;
  return [
    `| operation | ${gateways.join(' | ')} |`,
    `|---|${gateways.map(() => '---').join('|')}|`,
    ...results.map((result) => `| ${result.operation} | ${gateways.map((g) => cell(result.verdicts[g])).join(' | ')} |`),
  ].join('\n');
}
