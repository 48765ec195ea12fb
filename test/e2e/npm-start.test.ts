import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '../../gateway/dev-keys';
import { claimsFor } from '../../gateway/token-claims';
import { DEMO_PATIENTS } from '../../subgraphs/demo-world/patients';
import { DEMO_PRACTICES } from '../../subgraphs/demo-world/practices';
import { startNpmStart, stopNpmStart } from '../helpers/npm-start';
import { EPHEMERAL_METRICS_PORTS, freePort } from '../helpers/ports';
import { postGraphQL } from '../helpers/supergraph';

const root = join(__dirname, '..', '..');

describe('npm start', () => {
  it('starts all four services on first start with demo data, answers a patient, stops cleanly on Ctrl-C, and restarts without seeding twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cas-npm-start-'));
    const [gateway, practices, rollout, records, identityProvider] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...EPHEMERAL_METRICS_PORTS,
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
    };
    delete env.PRACTICES_DATABASE_URL;
    delete env.ROLLOUT_DATABASE_URL;
    delete env.RECORDS_DATABASE_URL;
    const url = `http://127.0.0.1:${gateway}/graphql`;
    const patient = DEMO_PATIENTS[0]!.nhsNumber;
    const read = async () => {
      const token = await signDevToken(join(dataDir, 'dev-jwt-keys.json'), claimsFor({ role: 'patient', nhsNumber: patient }));
      const analyst = await signDevToken(join(dataDir, 'dev-jwt-keys.json'), claimsFor({ role: 'analyst' }));
      const me = await postGraphQL<{ me: { onlineAccess: { state: string }; record: { totalCount: number } } }>(
        url,
        { authorization: `Bearer ${token}` },
        { query: '{ me { onlineAccess { state } record { totalCount } } }' },
      );
      const list = await postGraphQL<{ practices: { totalCount: number } }>(
        url,
        { authorization: `Bearer ${analyst}` },
        { query: '{ practices { totalCount } }' },
      );
      return { me: me.body.data?.me, practices: list.body.data?.practices.totalCount };
    };
    try {
      const first = await startNpmStart(env);
      expect(first.output()).toContain(`localhost:${gateway}/graphql`);
      const before = await read();
      expect(before).toEqual({
        me: { onlineAccess: { state: 'VISIBLE' }, record: { totalCount: 5 } },
        practices: DEMO_PRACTICES.length,
      });
      // Each service's figures on its own metrics port, Node's process figures once (the gateway's).
      const metrics = /Metrics \(Prometheus\): gateway (\S+), practices (\S+), rollout (\S+), records (\S+)\n/.exec(
        first.output(),
      );
      const texts = await Promise.all(metrics!.slice(1, 5).map(async (address) => (await fetch(address)).text()));
      expect(texts.map((text) => /^graphql_requests_total\{/m.test(text))).toEqual([true, true, true, true]);
      expect(texts.map((text) => /^process_cpu_seconds_total /m.test(text))).toEqual([true, false, false, false]);
      expect(await stopNpmStart(first.child)).toBe(0);

      const second = await startNpmStart(env);
      expect(await read()).toEqual(before);
      expect(await stopNpmStart(second.child)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);

  it('npm run start:<service> runs each service alone, configured only by environment variables, and each stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cas-one-by-one-'));
    const ports = {
      gateway: await freePort(),
      practices: await freePort(),
      rollout: await freePort(),
      records: await freePort(),
      'identity-provider': await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...EPHEMERAL_METRICS_PORTS,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEMO_DATA: '1',
      SUBGRAPH_SIGNING_SECRET: 'a-deployment-secret-of-at-least-32-characters',
      GATEWAY_PORT: String(ports.gateway),
      PRACTICES_PORT: String(ports.practices),
      ROLLOUT_PORT: String(ports.rollout),
      RECORDS_PORT: String(ports.records),
      PRACTICES_URL: `http://127.0.0.1:${ports.practices}/graphql`,
      ROLLOUT_URL: `http://127.0.0.1:${ports.rollout}/graphql`,
      RECORDS_URL: `http://127.0.0.1:${ports.records}/graphql`,
      IDENTITY_PROVIDER_PORT: String(ports['identity-provider']),
      IDENTITY_PROVIDER_URL: `http://127.0.0.1:${ports['identity-provider']}`,
    };
    delete env.PRACTICES_DATABASE_URL;
    delete env.ROLLOUT_DATABASE_URL;
    delete env.RECORDS_DATABASE_URL;
    const children: ChildProcess[] = [];
    const launch = (service: keyof typeof ports) =>
      new Promise<ChildProcess>((resolve, reject) => {
        // What `npm run start:<service>` runs.
        const main =
          service === 'gateway' || service === 'identity-provider' ? `${service}/main.ts` : `subgraphs/${service}/main.ts`;
        const child = spawn(process.execPath, ['--import', 'tsx', main], { cwd: root, env });
        children.push(child);
        let output = '';
        child.stdout?.on('data', (chunk) => {
          output += chunk;
          if (output.includes(' ready at ')) resolve(child);
        });
        child.stderr?.on('data', (chunk) => (output += chunk));
        child.on('exit', (code) => reject(new Error(`${service} exited with ${code}: ${output}`)));
      });
    try {
      for (const service of ['identity-provider', 'practices', 'rollout', 'records', 'gateway'] as const) await launch(service);
      const token = await signDevToken(
        join(dataDir, 'dev-jwt-keys.json'),
        claimsFor({ role: 'patient', nhsNumber: DEMO_PATIENTS[0]!.nhsNumber }),
      );
      const me = await postGraphQL<{ me: { record: { totalCount: number } } }>(
        `http://127.0.0.1:${ports.gateway}/graphql`,
        { authorization: `Bearer ${token}` },
        { query: '{ me { record { totalCount } } }' },
      );
      expect(me.body).toEqual({ data: { me: { record: { totalCount: 5 } } } });
      const codes = await Promise.all(
        children.map(
          (child) =>
            new Promise<number | null>((resolve) => {
              child.removeAllListeners('exit');
              child.on('exit', (code) => resolve(code));
              child.kill('SIGTERM');
            }),
        ),
      );
      expect(codes).toEqual([0, 0, 0, 0, 0]);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
