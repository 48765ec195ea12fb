import { insertPatientsWithEntries, testNhsNumbers } from '../../test/helpers/bulk-records';
import { Scenario } from '../../test/helpers/scenario';
import { startSupergraph } from '../../test/helpers/supergraph';
import { machine, saveResult } from './results';

/**
 * A patient's first page (`me { onlineAccess record(first: 20) }`) through the
 * gateway over loopback, for patients with 10, 1,000 and 10,000 entries, on the embedded
 * SQLite database (or PostgreSQL with TEST_DATABASE_URL). Prints and saves latency percentiles,
 * throughput and SQL statements per request. (The national-scale benchmark with autocannon
 * and a second gateway is issue 6.)
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const SIZES = [10, 1_000, 10_000];
const QUERY =
  '{ me { onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { id type title availableAt } } } } }';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function patientFirstPage(): Promise<void> {
  const supergraph = await startSupergraph({ now: '2024-06-01T09:00:00.000Z' });
  const s = new Scenario(supergraph);
  const practice = 'A84001';
  s.at('2022-10-01T09:00:00.000Z');
  await s.createPractice(practice, 'EMIS');
  await s.switchOn(practice);
  const records = supergraph.subgraphs.records.database;
  const rows: string[] = [
    '| entries | requests | concurrency | req/s | p50 ms | p99 ms | errors | SQL statements per request (records) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [i, size] of SIZES.entries()) {
    const nhsNumber = testNhsNumbers(1, i * 10)[0]!;
    await insertPatientsWithEntries(records.dataSource, {
      odsCode: practice,
      nhsNumbers: [nhsNumber],
      registeredAt: new Date('2000-01-01T00:00:00.000Z'),
      entriesEach: size,
      from: new Date('2022-11-01T00:00:00.000Z'),
      hiddenEvery: 10,
    });
    s.at('2024-06-01T09:00:00.000Z');
    const token = await s.token(Scenario.patient(nhsNumber));
    const once = async () => {
      const started = performance.now();
      const response = await supergraph.graphql<{ me: { record: { edges: unknown[] } } }>(token, QUERY);
      // Every tenth entry is hidden: the first page is 20 entries, or all 9 visible of 10.
      const ok =
        response.status === 200 &&
        !response.body.errors &&
        response.body.data?.me.record.edges.length === Math.min(20, size - Math.floor(size / 10));
      return { ms: performance.now() - started, ok };
    };
    for (let k = 0; k < 50; k += 1) await once(); // warm-up
    const before = records.statements.count;
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next += 1;
          const result = await once();
          latencies.push(result.ms);
          if (!result.ok) errors += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const statements = (records.statements.count - before) / latencies.length;
    rows.push(
      `| ${size} | ${latencies.length} | ${CONCURRENCY} | ${Math.round(latencies.length / seconds)} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${errors} | ${statements.toFixed(1)} |`,
    );
    console.log(rows.at(-1));
  }
  await supergraph.stop();
  await saveResult(
    'patient-first-page',
    `# Patient first page through the gateway\n\n${new Date().toISOString()} on ${machine()}; all services in one process.\n\n${rows.join('\n')}\n`,
  );
}
