import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signDevToken } from '../../gateway/dev-keys';
import { claimsFor } from '../../gateway/token-claims';
import { DEMO_PATIENTS } from '../../subgraphs/demo-world/patients';
import { DEMO_PAUSE_RESUME } from '../../subgraphs/demo-world/rollout-histories';
import { databaseKind, TEST_DATABASE_URL } from '../helpers/database';
import { eventually } from '../helpers/eventually';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from '../helpers/otlp-receiver';
import { startNpmStart, stopNpmStart } from '../helpers/npm-start';
import { freePort } from '../helpers/ports';
import { createScratchDatabases, type ScratchDatabases } from '../helpers/scratch-databases';
import { postGraphQL } from '../helpers/supergraph';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

const PATIENT = DEMO_PATIENTS[0]!;
const PATIENT_QUERY =
  'query PatientRecord { me { registeredPractice { odsCode name accessStatus } onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { id type title body availableAt } } } } }';
const CLINICIAN_QUERY =
  'query ClinicianPreview($nhsNumber: ID!) { patient(nhsNumber: $nhsNumber) { nhsNumber clinicalRecord(first: 20) { totalCount edges { node { title body hiddenReason } } } } }';
/** The demo app's registered first page (seeded with the demo data), which an app asks for by id. */
const APP_FIRST_PAGE = (
  JSON.parse(readFileSync(join(root, 'schema', 'operations', 'app', 'persisted-query-manifest.json'), 'utf8')) as {
    operations: { id: string; name: string; body: string }[];
  }
).operations.find((operation) => operation.name === 'AppRecordFirstPage')!;
const PATIENT_SUBJECT = 'patient-subject-4f1c9a';
const CLINICIAN_SUBJECT = 'practice-user-8d2e7b';

/** `name [service] ← parent`, one line a span, children under their parent. */
function printed(spans: ReceivedSpan[]): string {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const lines: string[] = [];
  const walk = (span: ReceivedSpan, depth: number) => {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    lines.push(`${'  '.repeat(depth)}${span.name} [${span.service}] ← ${parent ? parent.name : 'none (root)'}`);
    for (const child of spans.filter((other) => other.parentSpanId === span.spanId)) walk(child, depth + 1);
  };
  for (const rootSpan of spans.filter((span) => !span.parentSpanId || !byId.has(span.parentSpanId))) walk(rootSpan, 0);
  return lines.join('\n');
}

/** The services' spans up from `span` to the trace's root (the span first). */
function ancestry(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const chain = [span];
  for (let at = span; at.parentSpanId && byId.has(at.parentSpanId);) {
    at = byId.get(at.parentSpanId)!;
    chain.push(at);
  }
  return chain;
}

describe('traces, exported over OTLP when configured', () => {
  const receiver = new OtlpReceiver();
  let child: ChildProcess | undefined;
  let dataDir = '';
  let url = '';
  let databases: ScratchDatabases | undefined;
  const token = (claims: Parameters<typeof claimsFor>[0]) => signDevToken(join(dataDir, 'dev-jwt-keys.json'), claimsFor(claims));
  /** The gateway's server spans: one a request, each the root of its trace. */
  const gatewayRoots = () =>
    receiver.spans.filter((span) => span.service === 'gateway' && span.kind === SPAN_KIND.server && !span.parentSpanId);
  /** Waits for the next request's root span (it ends last, so its trace's spans were queued before it) and returns its trace. */
  const traceOf = async (send: () => Promise<unknown>) => {
    const before = new Set(gatewayRoots().map((span) => span.traceId));
    await send();
    const { value: rootSpan } = await eventually(
      async () => gatewayRoots().find((span) => !before.has(span.traceId)),
      20_000,
      50,
    );
    return receiver.trace(rootSpan.traceId);
  };

  beforeAll(async () => {
    await receiver.start();
    dataDir = mkdtempSync(join(tmpdir(), 'cas-traces-'));
    const [gateway, practices, rollout, records, identityProvider] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(gateway),
      PRACTICES_PORT: String(practices),
      ROLLOUT_PORT: String(rollout),
      RECORDS_PORT: String(records),
      IDENTITY_PROVIDER_PORT: String(identityProvider),
      PRACTICES_URL: `http://127.0.0.1:${practices}/graphql`,
      ROLLOUT_URL: `http://127.0.0.1:${rollout}/graphql`,
      RECORDS_URL: `http://127.0.0.1:${records}/graphql`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Export each batch at once, so the test waits for spans, not for the default five seconds.
      OTEL_BSP_SCHEDULE_DELAY: '20',
    };
    delete env.OTEL_SERVICE_NAME;
    delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    delete env.PRACTICES_DATABASE_URL;
    delete env.ROLLOUT_DATABASE_URL;
    delete env.RECORDS_DATABASE_URL;
    if (TEST_DATABASE_URL) {
      // On PostgreSQL each subgraph gets a database of its own, as in compose, and pg's spans show.
      databases = await createScratchDatabases('traces');
      env.PRACTICES_DATABASE_URL = databases.urls.practices;
      env.ROLLOUT_DATABASE_URL = databases.urls.rollout;
      env.RECORDS_DATABASE_URL = databases.urls.records;
    }
    child = (await startNpmStart(env)).child;
    url = `http://127.0.0.1:${gateway}/graphql`;
  }, 120_000);

  afterAll(async () => {
    if (child) await stopNpmStart(child);
    await receiver.stop();
    await databases?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("makes one patient request one trace: the gateway's server span, its calls to each subgraph, their SQL", async () => {
    const patientToken = await token({ role: 'patient', nhsNumber: PATIENT.nhsNumber, subject: PATIENT_SUBJECT });
    let answer: Awaited<ReturnType<typeof postGraphQL>> | undefined;
    const spans = await traceOf(async () => {
      answer = await postGraphQL(url, { authorization: `Bearer ${patientToken}` }, { query: PATIENT_QUERY });
    });
    expect(answer?.body.errors).toBeUndefined();
    // PRINT_TRACE=1 shows it, for an operator or a report.
    if (process.env.PRINT_TRACE)
      console.log(`One patient request's trace (${databaseKind}), ${spans.length} spans:\n${printed(spans)}`);

    const [rootSpan, ...others] = spans.filter((span) => !span.parentSpanId);
    expect(others).toEqual([]);
    // The root carries the request id the client was given (x-request-id), as the logs do.
    expect(rootSpan).toMatchObject({
      service: 'gateway',
      kind: SPAN_KIND.server,
      attributes: { 'http.route': '/graphql', 'citizen_access.request_id': answer?.requestId },
    });
    const names = new Set(spans.map((span) => span.name));
    for (const name of ['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']) expect(names).toContain(name);
    // Every subgraph span hangs under a gateway client span: the traceparent reached each subgraph.
    const subgraphServers = spans.filter(
      (span) => span.kind === SPAN_KIND.server && ['practices', 'rollout', 'records'].includes(span.service ?? ''),
    );
    // Records twice (the patient, then the entries), rollout (the practice's access), practices
    // (the practice's name; and under rollout, its directory client's calls).
    expect(new Set(subgraphServers.map((span) => span.service))).toEqual(new Set(['records', 'rollout', 'practices']));
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    for (const server of subgraphServers) {
      const parent = byId.get(server.parentSpanId ?? '');
      expect(parent).toMatchObject({ kind: SPAN_KIND.client });
      expect(['gateway', 'rollout']).toContain(parent?.service);
    }
    // pg's instrumentation writes the statement as `db.query.text` (older semantic conventions: `db.statement`).
    const statementOf = (span: ReceivedSpan) => span.attributes['db.query.text'] ?? span.attributes['db.statement'];
    const sql = spans.filter((span) => statementOf(span) !== undefined);
    if (databaseKind === 'postgres') {
      // Each query is a span of the records or rollout service, under that service's server span.
      expect(sql.length).toBeGreaterThan(0);
      for (const query of sql) {
        const chain = ancestry(query, spans);
        expect(chain.at(-1)).toBe(rootSpan);
        expect(chain.find((span) => span.kind === SPAN_KIND.server)?.service).toBe(query.service);
        expect(statementOf(query)).toMatch(/^(SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|COMMIT|SET|START)/i);
      }
      expect(new Set(sql.map((query) => query.service))).toEqual(new Set(['records', 'rollout', 'practices']));
    } else {
      // SQLite's driver (better-sqlite3) has no instrumentation: a subgraph's server span covers its SQL.
      expect(sql).toEqual([]);
    }
  }, 60_000);

  it("starts a new trace for a client's request, never continuing the client's trace context", async () => {
    const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const patientToken = await token({ role: 'patient', nhsNumber: PATIENT.nhsNumber });
    const spans = await traceOf(() =>
      postGraphQL(
        url,
        {
          authorization: `Bearer ${patientToken}`,
          traceparent: `00-${clientTraceId}-00f067aa0ba902b7-01`,
          tracestate: 'vendor=9990001375',
          baggage: `nhs=${PATIENT.nhsNumber}`,
        },
        { query: '{ me { onlineAccess { state } } }' },
      ),
    );
    expect(spans.length).toBeGreaterThan(1);
    expect(spans[0]!.traceId).not.toBe(clientTraceId);
    expect(receiver.spans.filter((span) => span.traceId === clientTraceId)).toEqual([]);
    expect(spans.find((span) => span.service === 'gateway' && !span.parentSpanId)).toBeDefined();
  }, 60_000);

  it("puts no NHS number, entry text, token, user id, document or operation name in any span's name, attributes, events or resource", async () => {
    const patientToken = await token({ role: 'patient', nhsNumber: PATIENT.nhsNumber, subject: PATIENT_SUBJECT });
    const clinicianToken = await token({ role: 'clinician', odsCode: DEMO_PAUSE_RESUME.odsCode, subject: CLINICIAN_SUBJECT });
    const appToken = await token({
      role: 'app',
      clientId: 'demo-app',
      nhsNumber: PATIENT.nhsNumber,
      scope: 'record:read',
      subject: PATIENT_SUBJECT,
    });
    const sent: string[] = [];
    // The patient by POST, and by GET with the document in the URL.
    await traceOf(async () => {
      const answer = await postGraphQL(url, { authorization: `Bearer ${patientToken}` }, { query: PATIENT_QUERY });
      sent.push(JSON.stringify(answer.body));
    });
    await traceOf(async () => {
      const search = new URLSearchParams({ query: PATIENT_QUERY });
      const response = await fetch(`${url}?${search.toString()}`, {
        headers: { authorization: `Bearer ${patientToken}`, 'apollo-require-preflight': 'true' },
      });
      sent.push(await response.text());
    });
    // An app by GET, its registered operation by id (persisted query).
    await traceOf(async () => {
      const search = new URLSearchParams({
        operationName: APP_FIRST_PAGE.name,
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: APP_FIRST_PAGE.id } }),
      });
      const response = await fetch(`${url}?${search.toString()}`, {
        headers: { authorization: `Bearer ${appToken}`, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(200);
      sent.push(await response.text());
    });
    // A clinician by GET too, the NHS number in the URL's variables, and by POST.
    await traceOf(async () => {
      const search = new URLSearchParams({ query: CLINICIAN_QUERY, variables: JSON.stringify({ nhsNumber: PATIENT.nhsNumber }) });
      const response = await fetch(`${url}?${search.toString()}`, {
        headers: { authorization: `Bearer ${clinicianToken}`, 'apollo-require-preflight': 'true' },
      });
      sent.push(await response.text());
    });
    await traceOf(async () => {
      const answer = await postGraphQL(
        url,
        { authorization: `Bearer ${clinicianToken}` },
        { query: CLINICIAN_QUERY, variables: { nhsNumber: PATIENT.nhsNumber } },
      );
      sent.push(JSON.stringify(answer.body));
    });
    // The answers did carry the data: the search below would find it if a span held it.
    const answers = sent.join('\n');
    expect(answers).toContain(PATIENT.nhsNumber);
    const shownTitles = PATIENT.entries.map((entry) => entry.title).filter((title) => answers.includes(title));
    expect(shownTitles.length).toBeGreaterThan(0);

    const exported = receiver.bodies.join('\n');
    const secrets = [
      PATIENT.nhsNumber,
      ...PATIENT.entries.flatMap((entry) => [entry.title, entry.body, ...(entry.hiddenReason ? [entry.hiddenReason] : [])]),
      patientToken,
      patientToken.split('.')[2]!,
      clinicianToken,
      clinicianToken.split('.')[2]!,
      appToken,
      appToken.split('.')[2]!,
      APP_FIRST_PAGE.body,
      // Operation names are the client's choice: never exported either.
      'PatientRecord',
      'ClinicianPreview',
      APP_FIRST_PAGE.name,
      PATIENT_SUBJECT,
      CLINICIAN_SUBJECT,
      PATIENT_QUERY,
      CLINICIAN_QUERY,
      // Fragments of the documents, as a URL or a statement would quote them.
      'registeredPractice',
      'clinicalRecord',
      new URLSearchParams({ query: PATIENT_QUERY }).toString().slice(0, 40),
      encodeURIComponent(PATIENT_QUERY).slice(0, 40),
    ];
    const found = secrets.filter((secret) => exported.includes(secret));
    expect(found).toEqual([]);
    expect(receiver.spans.length).toBeGreaterThan(20);
    // Every exported span belongs to a named service.
    const services = new Set(receiver.spans.map((span) => span.service));
    expect(
      [...services].every((service) =>
        ['gateway', 'practices', 'rollout', 'records', 'identity-provider'].includes(service ?? ''),
      ),
    ).toBe(true);
  }, 90_000);
});

describe('traces, when not configured or configured wrongly', () => {
  it('loads no OpenTelemetry SDK, exporter or instrumentation at all', async () => {
    // A service's start as main.ts does it: register first, then the gateway and a subgraph's code.
    const script = [
      "require('./platform/tracing/register');",
      "require('./gateway/server');",
      "require('./subgraphs/records/server');",
      // Apollo Gateway loads the API and its own metrics exporter's module itself (never started: APOLLO_TELEMETRY_DISABLED).
      'const loaded = Object.keys(require.cache).filter((path) => /@opentelemetry[\\\\/](sdk-trace|sdk-node|exporter-trace|instrumentation|context-async-hooks)/.test(path));',
      'console.log(JSON.stringify(loaded));',
    ].join('\n');
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([]);
    // The same start, configured: the SDK is there.
    const configured = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: root,
      env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' },
    });
    expect((JSON.parse(configured.stdout.trim().split('\n').at(-1)!) as string[]).length).toBeGreaterThan(0);
  }, 60_000);

  it('stops a service at start, naming the variable, when the trace configuration is wrong', async () => {
    const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' };
    const failed = await run(process.execPath, ['--import', 'tsx', '-e', "require('./platform/tracing/register');"], {
      cwd: root,
      env,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('tracing failed to start');
    expect(failed?.stderr).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  }, 60_000);
});
