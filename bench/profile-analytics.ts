import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signDevToken } from '../gateway/dev-keys';
import { claimsFor } from '../gateway/token-claims';
import { ensureDataset } from './dataset/dataset';
import { isPresetName } from './dataset/presets';
import { describeLoad, runLoad } from './load';
import { checks, fiftyTwoWeeksTo, SUMMARY_BY_ICB, WEEKLY_TIMELINE } from './operations';
import { startOurServices } from '../test/helpers/service-process';
import { summarizeProfile } from './profile-gateway';

/**
 * `npm run profile:analytics -- [--preset national] [--profile]`: where an
 * analyst's request spends its time. Starts the services as separate processes on a copy of a
 * bench data set (`npm run bench:dataset`), loads the summary per ICB and the 52-week timeline
 * with autocannon (answers checked on a sample), and prints each process's CPU time per
 * request. --profile runs the subgraphs under `node --cpu-prof` and summarises their profiles.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'national' },
      connections: { type: 'string', default: '4' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      only: { type: 'string', default: 'summary,timeline' },
      profile: { type: 'boolean', default: false },
      focus: { type: 'string' },
    },
  });
  if (!isPresetName(values.preset)) throw new Error(`--preset must be small or national`);
  const dataset = await ensureDataset({ preset: values.preset });
  const dataDir = mkdtempSync(join(dataset.dir, '..', 'profile-'));
  for (const file of ['practices.sqlite', 'rollout.sqlite', 'records.sqlite']) {
    copyFileSync(join(dataset.dir, file), join(dataDir, file));
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'cas-analytics-profile-'));
  const services = await startOurServices({
    dataDir,
    demoData: false,
    subgraphNodeArgs: values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  const processes = [services.gateway, services.practices, services.rollout, services.records];
  try {
    const analyst = await signDevToken(services.keysPath, claimsFor({ role: 'analyst' }), { expiresIn: '2h' });
    const common = {
      url: services.urls.gateway,
      token: analyst,
      connections: Number(values.connections),
      durationSeconds: Number(values.duration),
      warmupSeconds: 0,
      sampleEvery: 5,
    };
    const scenarios = {
      summary: { ...common, query: SUMMARY_BY_ICB, check: checks.summaryByIcb },
      timeline: {
        ...common,
        query: WEEKLY_TIMELINE,
        variables: fiftyTwoWeeksTo(dataset.instants.asOf),
        check: checks.weeklyTimeline,
      },
    };
    const chosen = values.only.split(',') as (keyof typeof scenarios)[];
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const name of chosen) {
        const scenario = scenarios[name];
        if (Number(values.warmup) > 0) await runLoad({ ...scenario, durationSeconds: Number(values.warmup) });
        const before = processes.map((service) => service.cpuMs());
        const result = await runLoad(scenario);
        const perRequest = processes.map(
          (service, i) => `${service.name} ${((service.cpuMs() - before[i]!) / result.requests).toFixed(1)}`,
        );
        console.log(`${name.padEnd(8)} ${describeLoad(result)}${result.firstWrong ? `\n  wrong: ${result.firstWrong}` : ''}`);
        console.log(`         CPU ms per request: ${perRequest.join(', ')}`);
      }
    }
  } finally {
    await services.stop();
    if (values.profile) {
      for (const file of readdirSync(profileDir).sort()) {
        console.log(`\n${summarizeProfile(join(profileDir, file), 25, values.focus ? new RegExp(values.focus) : undefined)}`);
      }
      console.log(`\n(profiles kept in ${profileDir})`);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
