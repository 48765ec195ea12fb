import { Scenario } from '../helpers/scenario';
import { capturedLogger } from '../helpers/captured-logger';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/** Structured JSON logs, and no patient data in them, even at debug level and on errors. */
describe('logs', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const { logger, lines } = capturedLogger('debug');
  const practice = 'A83001';
  const nhsNumber = '9990001375';
  const TITLE = 'Confidential referral to sexual health clinic';
  const BODY = 'Patient disclosed a sensitive history';

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z', logger });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'EMIS');
    await s.switchOn(practice);
    s.at('2023-01-02T09:00:00.000Z');
    await s.registerPatient(practice, nhsNumber);
    await s.addEntry(practice, nhsNumber, TITLE, 'CONSULTATION_NOTE', { body: BODY });
    await s.patientSees(nhsNumber);
    // Errors too: a duplicate registration, a forbidden read, a failing subgraph.
    await s.as(
      Scenario.clinician(practice),
      `mutation { registerPatient(input: { nhsNumber: "${nhsNumber}", odsCode: "${practice}", dateOfBirth: "1980-04-12" }) { nhsNumber } }`,
    );
    await s.as(Scenario.patient('9990002746'), `{ patient(nhsNumber: "${nhsNumber}") { nhsNumber } }`);
    const rollout = supergraph.subgraphs.rollout.database.dataSource;
    await rollout.query('ALTER TABLE rollout_event RENAME TO rollout_event_moved');
    await s.as(Scenario.patient(nhsNumber), '{ me { record { totalCount } } }');
    await rollout.query('ALTER TABLE rollout_event_moved RENAME TO rollout_event');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('are JSON lines naming the service, with operations and their error codes', () => {
    expect(lines.length).toBeGreaterThan(10);
    const parsed = lines.map((line) => JSON.parse(line) as { msg?: string; errors?: string[] });
    expect(parsed.some((line) => line.msg === 'operation' && line.errors?.includes('CONFLICT'))).toBe(true);
    expect(parsed.some((line) => line.msg === 'operation' && line.errors?.includes('FORBIDDEN'))).toBe(true);
  });

  it('never contain an NHS number, an entry title or body, or a date of birth', () => {
    const all = lines.join('\n');
    expect(all).not.toMatch(/999\d{7}/);
    expect(all).not.toContain(TITLE);
    expect(all).not.toContain(BODY);
    expect(all).not.toContain('1980-04-12');
  });
});
