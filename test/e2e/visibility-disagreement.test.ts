import { Writable } from 'node:stream';
import pino from 'pino';
import DataLoader from 'dataloader';
import { ManualClock } from '../../platform/clock';
import { DomainError, ErrorCode } from '../../platform/errors';
import { recordsContext, type RecordsContext } from '../../subgraphs/records/context';
import { exclusionHistory } from '../../subgraphs/records/domain/exclusion';
import type { PatientViewQuery } from '../../subgraphs/records/store/entry-queries';
import type { RecordEntryRow } from '../../subgraphs/records/entities/record-entry';
import { createRecordsMetrics } from '../../subgraphs/records/metrics';
import { patientView } from '../../subgraphs/records/resolvers/record-views';
import { recordsDatabase } from '../../subgraphs/records/server';
import { openFreshDatabase, type FreshDatabase } from '../helpers/database';

/**
 * When the patient view's SQL and the visibility rule disagree (here, a SQL that drifted and
 * forgot the "do not show online" filter, planted in the page loader), the request fails and
 * shows nothing, the operator is told (an error log line and a metric), and no patient data is
 * in either: never a page that silently drops rows while its count and cursors say otherwise.
 */
describe('a disagreement between the patient view SQL and the rule', () => {
  let database: FreshDatabase;
  const nhsNumber = '9990001375';
  const clock = new ManualClock('2024-02-01T09:00:00.000Z');
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
  const metrics = createRecordsMetrics();
  const patient = { nhsNumber, odsCode: 'A81030', dateOfBirth: '1980-04-12', registeredAt: new Date('2020-01-01T00:00:00.000Z') };
  const facts = { dateOfBirth: patient.dateOfBirth, registeredAt: patient.registeredAt, exclusion: exclusionHistory([]) };
  const access = { status: 'ENABLED' as const, periods: [{ from: new Date('2024-01-01T00:00:00.000Z'), to: null }] };
  const entry = (id: string, title: string, hiddenFromPatient: boolean): RecordEntryRow => ({
    id,
    nhsNumber,
    type: 'CONSULTATION_NOTE',
    title,
    body: `Body of ${title}`,
    recordedAt: new Date('2024-01-15T10:00:00.000Z'),
    filedAt: null,
    availableAt: new Date('2024-01-15T10:00:00.000Z'),
    hiddenFromPatient,
    hiddenReason: hiddenFromPatient ? 'Third-party information' : null,
    recordedBy: 'A81030:test',
  });

  const contextWith = (
    requestId: string,
    pages: (queries: readonly PatientViewQuery[]) => Promise<RecordEntryRow[][]>,
  ): RecordsContext => {
    const base = {
      viewer: { role: 'patient' as const, subject: 'p', nhsNumber, identityLevel: 'P9' as const },
      requestId,
      now: clock.now(),
      clock,
      logger,
    };
    const context = recordsContext({ appRateLimit: { perSecond: 10, burst: 20 }, clockToleranceMs: 0, metrics })(
      base,
      database.dataSource,
    );
    context.loaders.patientView = new DataLoader(pages, { cacheKeyFn: (query) => JSON.stringify(query) });
    return context;
  };

  beforeAll(async () => {
    database = await openFreshDatabase('disagreement', recordsDatabase);
  });
  afterAll(() => database?.drop());

  it('the same view with agreeing rows is shown (so the refusal below can fail)', async () => {
    const shown = await patientView(
      patient,
      facts,
      access,
      { first: 5 },
      contextWith('agreeing', async (qs) => qs.map(() => [entry('b', 'shown', false)])),
    );
    expect(shown.edges.map((edge) => edge.node.title)).toEqual(['shown']);
  });

  it('fails the request, logs an error without patient data and counts it, showing nothing', async () => {
    const before = (await metrics.ruleDisagreements.get()).values[0]?.value ?? 0;
    const drifted = contextWith('drifted', async (qs) =>
      qs.map(() => [entry('b', 'shown', false), entry('a', 'hidden from the patient', true)]),
    );
    const refusal = patientView(patient, facts, access, { first: 5 }, drifted);
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({ extensions: { code: ErrorCode.Internal } });
    expect((await metrics.ruleDisagreements.get()).values[0]?.value).toBe(before + 1);
    expect(await metrics.registry.metrics()).toMatch(/^records_visibility_rule_disagreements_total 1$/m);
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string; refused?: number });
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, refused: 1 }));
    expect(lines.join('\n')).not.toMatch(/999\d{7}|hidden from the patient|Body of/);
    // No access-log row either: nothing left the subgraph.
    const rows = await database.dataSource.query(`SELECT COUNT(*) AS n FROM access_log WHERE request_id = 'drifted'`);
    expect(Number(rows[0].n)).toBe(0);
  });
});
