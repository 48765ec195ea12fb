import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseScheduleFile } from '../../clients/schedule-import/schedule-file';
import { applySchedule, formatScheduleReport } from '../../clients/schedule-import/schedule-import';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

const run = promisify(execFile);

/**
 * `npm run import:schedule -- FILE`: a supplier's CSV of ODS codes and planned switch-on
 * instants, applied through the gateway as one wave, with a report of every line.
 */
describe('importing a supplier\u2019s switch-on schedule', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  let dir: string;
  const NOW = '2026-11-24T12:00:00.000Z';
  const history = async (odsCode: string) =>
    (
      await s.ok<{ practice: { rolloutHistory: { kind: string; plannedSwitchOnAt: string; actor: string }[] } }>(
        Scenario.nhse,
        `query($o: ID!) { practice(odsCode: $o) { rolloutHistory { kind plannedSwitchOnAt actor } } }`,
        { o: odsCode },
      )
    ).practice.rolloutHistory;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW });
    s = new Scenario(supergraph);
    dir = mkdtempSync(join(tmpdir(), 'cas-schedule-'));
    for (const code of ['S10001', 'S10002', 'S10003', 'S10004', 'S10005']) await s.createPractice(code, 'EMIS');
    await s.createPractice('S20001', 'TPP');
    await s.pause('S10003');
  });
  afterAll(async () => {
    await supergraph.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a sound file as one wave as the supplier, reporting each skipped line; a second run changes nothing', async () => {
    const text =
      'ods_code,planned_switch_on_at\nS10001,2027-01-11\nS10002,2027-01-18T07:00:00Z\nS10003,2027-01-11\nS20001,2027-01-11\nS99999,2027-01-11\n';
    const token = await s.token(Scenario.supplier('EMIS'));
    const report = await applySchedule(supergraph.url, token, parseScheduleFile(text));
    expect(formatScheduleReport(report)).toBe(
      [
        'Scheduled 2, skipped 3, rejected 0.',
        '  line 4 (S10003): skipped, PAUSED: Cannot schedule a switch-on for a paused practice: resume it first (resumeAccess with an instant)',
        "  line 5 (S20001): skipped, NOT_YOUR_PRACTICE: The practice is on another supplier's system",
        '  line 6 (S99999): skipped, UNKNOWN_PRACTICE: No practice has this ODS code',
      ].join('\n'),
    );
    expect(await history('S10001')).toEqual([
      { kind: 'SCHEDULED', plannedSwitchOnAt: '2027-01-11T00:00:00.000Z', actor: 'EMIS' },
    ]);
    expect(await history('S10002')).toEqual([
      { kind: 'SCHEDULED', plannedSwitchOnAt: '2027-01-18T07:00:00.000Z', actor: 'EMIS' },
    ]);

    const again = await applySchedule(supergraph.url, token, parseScheduleFile(text));
    expect(again.scheduled).toEqual([]);
    expect(again.skipped.map((skip) => [skip.line, skip.kind])).toEqual([
      [2, 'ALREADY_SCHEDULED'],
      [3, 'ALREADY_SCHEDULED'],
      [4, 'PAUSED'],
      [5, 'NOT_YOUR_PRACTICE'],
      [6, 'UNKNOWN_PRACTICE'],
    ]);
    expect(await history('S10001')).toHaveLength(1);
  });

  it('a file with any bad line is not sent at all', async () => {
    const report = await applySchedule(
      supergraph.url,
      await s.token(Scenario.supplier('EMIS')),
      parseScheduleFile('S10004,2027-01-11\nS10005,2027-02-30\n'),
    );
    expect(report.applied).toBe(false);
    expect(formatScheduleReport(report)).toMatch(/^Nothing applied: 1 line\(s\) rejected/);
    expect(await history('S10004')).toEqual([]);
  });

  it('a wave the gateway refuses (too little notice) changes nothing, and the report names the line', async () => {
    const report = await applySchedule(
      supergraph.url,
      await s.token(Scenario.supplier('EMIS')),
      parseScheduleFile('S10004,2027-01-11\nS10005,2026-11-26\n'),
    );
    expect(report.applied).toBe(false);
    expect(report.refused).toMatch(/^line 2 \(S10005\): BAD_USER_INPUT: S10005: Practices must be told at least 7 days/);
    expect(await history('S10004')).toEqual([]);
  });

  it('runs as a command: exit code 0 when applied, 2 when nothing was, 1 when it cannot run', async () => {
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(good, 'S10004,2027-02-01\n');
    writeFileSync(bad, 'S10005,not a date\n');
    const token = await s.token(Scenario.supplier('EMIS'));
    const cli = (file: string, extra: string[] = []) =>
      run('npx', ['tsx', 'scripts/import-schedule.ts', file, '--gateway', supergraph.url, ...extra], {
        env: { ...process.env, ACCESS_TOKEN: token },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
      );
    expect(await cli(good)).toEqual({ code: 0, stdout: 'Scheduled 1, skipped 0, rejected 0.\n' });
    expect(await cli(bad)).toMatchObject({
      code: 2,
      stdout: expect.stringContaining('line 1 (S10005): the planned switch-on is not a real date'),
    });
    expect(await cli(join(dir, 'missing.csv'))).toMatchObject({ code: 1 });
    expect(await cli(good, ['--gateway', 'http://127.0.0.1:1/graphql'])).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('Cannot reach the gateway'),
    });
  }, 60_000);

  it('the checked-in sample schedules the demo world\u2019s Cegedim practices and says why it skips the rest', async () => {
    const demo = await startSupergraph({ now: NOW, demoData: true });
    try {
      const text = readFileSync(join(__dirname, '..', '..', 'samples', 'switch-on-schedule.csv'), 'utf8');
      const token = await new Scenario(demo).token(Scenario.supplier('CEGEDIM'));
      const report = await applySchedule(demo.url, token, parseScheduleFile(text));
      expect(report.scheduled.map((p) => p.odsCode)).toEqual(['B84013', 'P84213', 'P84413', 'F84613']);
      expect(report.skipped.map((p) => [p.line, p.odsCode, p.kind])).toEqual([
        [6, 'C84104', 'NOT_YOUR_PRACTICE'],
        [7, 'Y99999', 'UNKNOWN_PRACTICE'],
      ]);
    } finally {
      await demo.stop();
    }
  });
});
