import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Scenario } from './scenario';

/**
 * What the restore drills create and compare through the gateway: one patient's record with a
 * switch-on, a pause and a resume (the rollout history), an exclusion set and lifted, an app and
 * a clinician reading it (the access log); then what the patient, the clinician and nhse see.
 */
export const DRILL = { nhs: '9990020035', home: 'A81010', elsewhere: 'A83001', app: 'drill-app' } as const;
export const CAPTURED_AT = '2024-01-15T12:00:00.000Z';
const APP_READ = '{ me { record { totalCount } } }';

/** Activity that writes to every log: run once, before the backup. */
export async function createActivity(s: Scenario): Promise<void> {
  const { nhs, home, elsewhere, app } = DRILL;
  s.at('2024-01-15T09:00:00.000Z');
  await s.createPractice(home);
  await s.createPractice(elsewhere);
  await s.switchOn(home);
  await s.registerPatient(home, nhs);
  await s.addEntry(home, nhs, 'Asthma review');
  const result = await s.addEntry(home, nhs, 'Full blood count', 'TEST_RESULT');
  const letter = await s.addEntry(home, nhs, 'Referral letter', 'CLINICAL_LETTER');
  s.at('2024-01-15T09:30:00.000Z');
  await s.fileEntry(home, result);
  await s.hideEntry(home, letter);
  await s.exclude(home, nhs, true);
  s.at('2024-01-15T09:40:00.000Z');
  await s.exclude(home, nhs, false);
  s.at('2024-01-15T10:00:00.000Z');
  await s.pause(home);
  s.at('2024-01-15T10:30:00.000Z');
  await s.addEntry(home, nhs, 'Recorded while paused');
  s.at('2024-01-15T11:00:00.000Z');
  await s.resume(home);
  s.at('2024-01-15T11:30:00.000Z');
  await s.addEntry(home, nhs, 'Seen after resume');
  await s.approveApp(app, ['record:read'], `App ${app}`, [APP_READ]);
  await s.ok(Scenario.app(app, nhs), APP_READ);
  // A refused attempt is logged too: another practice's clinician asks for the patient.
  const refused = await s.as(Scenario.clinician(elsewhere), `query($n: ID!) { patient(nhsNumber: $n) { nhsNumber } }`, {
    n: nhs,
  });
  if (!refused.body.errors?.length) throw new Error('the drill expected a refused read');
  s.at(CAPTURED_AT);
}

/** The patient's and the clinician's views. Each read adds one line to the access log. */
export async function views(s: Scenario) {
  const { nhs, home } = DRILL;
  const patient = await s.patientSees(nhs);
  const clinical = await s.ok<{ patient: unknown }>(
    Scenario.clinician(home),
    `query($n: ID!) { patient(nhsNumber: $n) {
      excludedFromOnlineAccess
      clinicalRecord(first: 100) { totalCount edges { node {
        id type recordedAt filedAt availableAt title body hiddenFromPatient redactionReason visibleToPatient } } } } }`,
    { n: nhs },
  );
  return { patient, clinical };
}
/** How many access-log lines `views` adds. */
export const READS_PER_VIEWS = 2;

/** The logs: the access log, the exclusion history and the practice's rollout history. Reading them logs nothing. */
export async function logs(s: Scenario) {
  const { nhs, home } = DRILL;
  const records = await s.ok<{ patient: { accessLog: { totalCount: number; edges: unknown[] } } }>(
    Scenario.clinician(home),
    `query($n: ID!) { patient(nhsNumber: $n) {
      exclusionHistory { at excluded snomedCode kind }
      accessLog(first: 100) { totalCount edges { node { at actorRole actor appName view entryCount outcome } } } } }`,
    { n: nhs },
  );
  const rollout = await s.ok(
    Scenario.nhse,
    `query($o: ID!) { practice(odsCode: $o) { accessStatus
      rolloutHistory { kind at actorRole actor reason plannedSwitchOnAt noticeOverridden } } }`,
    { o: home },
  );
  return { records, rollout };
}

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/** This process's environment without any database or data variable: each command gets its own. */
const inherited = () =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/DATABASE_URL$|^DATA_DIR$|^NODE_ENV$/.test(key)));

/** `npm run <script>` as an operator runs it (through tsx), with only the given database variables. */
export async function command(script: 'backup' | 'restore', args: string[], env: Record<string, string>) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), [`scripts/${script}.ts`, ...args], {
    cwd: root,
    env: { ...inherited(), NODE_ENV: 'production', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}
