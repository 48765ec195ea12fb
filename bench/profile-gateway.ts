import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { signDevToken } from '../gateway/dev-keys';
import { claimsFor } from '../gateway/token-claims';
import { targetOf } from '../platform/request-signature';
import { describeLoad, runLoad, subgraphSigner, type LoadOptions, type LoadResult } from './load';
import { isOtherGateway, startOtherGateway } from './other-gateway';
import { spawnService, startOurServices, type OurServices } from '../test/helpers/service-process';

/**
 * `npx tsx bench/profile-gateway.ts [options]`: our gateway's per-request cost, reproducibly.
 * Starts the three subgraphs and the gateway as separate processes on a fresh demo data set,
 * then loads up to four operations with autocannon (answers checked on a sample):
 *
 *   onehop  `{ me { nhsNumber dateOfBirth } }`: one subgraph call, the least a gateway can do (not by default)
 *   twohop  `{ me { nhsNumber registeredPractice { name accessOdsCode accessStatus accessPeriods { from to } } } }` through the gateway
 *   page    the patient's first page (`me { onlineAccess record(first: 20) … }`) through the gateway
 *   direct  the same page asked of the records subgraph directly (its `_entities` call, signed as the gateway signs)
 *
 * --profile runs the gateway under `node --cpu-prof` and prints where its time went (self time
 * by function and by module, and the inclusive time of the hottest frames); --summarize FILE
 * only summarises a .cpuprofile. --rounds N repeats the operations N times, interleaved.
 * --root DIR runs the services from another copy of the tree; --ab DIR compares its gateway with
 * one run from another copy (a baseline), --ab hive (or hive-rust) with Hive Gateway
 * (bench/hive), in interleaved bursts; --ab-subgraphs puts B's gateway in front of B's own
 * subgraphs (run from DIR over the same databases), so the page's A/B covers subgraph changes too. --peer hive (or hive-rust) loads and profiles Hive
 * Gateway instead of ours, its answers checked against ours.
 */
const NHS_NUMBER = '9990001375';
const ONE_HOP = '{ me { nhsNumber dateOfBirth } }';
const TWO_HOP = '{ me { nhsNumber registeredPractice { name accessOdsCode accessStatus accessPeriods { from to } } } }';
const PAGE_FIELDS =
  'onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { id type title availableAt } } }';
const FIRST_PAGE = `{ me { ${PAGE_FIELDS} } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { ${PAGE_FIELDS} } } }`;

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = join(__dirname, '..');

/** Where a frame's code lives: a package, a file of ours, Node itself, or V8's pseudo-frames. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.replace(/^node:internal\/deps\//, 'node:').replace(/^node:internal\//, 'node:');
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1]!;
  return relative(ROOT, path) || path;
}

export function summarizeProfile(file: string, top = 30, focus?: RegExp): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = (node: CpuProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${moduleOf(url, functionName)}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'} ${where}`.trim();
  };
  // Loading modules is start-up, not a request's cost: such samples are counted apart and left out.
  const loading = new Map<number, boolean>();
  const isLoading = (id: number): boolean => {
    const known = loading.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const result =
      (node?.callFrame.functionName === 'wrapModuleLoad' && node.callFrame.url.includes('modules/cjs/loader')) ||
      (up !== undefined && isLoading(up));
    loading.set(id, result);
    return result;
  };
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let startUp = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    if (isLoading(id)) {
      startUp += delta;
      return;
    }
    total += delta;
    if (node.callFrame.functionName === '(idle)') idle += delta;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + delta);
    const module = moduleOf(node.callFrame.url, node.callFrame.functionName);
    modules.set(module, (modules.get(module) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const frameKey = keyOf(frame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + delta);
    }
  });
  const busy = total - idle;
  const table = (title: string, map: Map<string, number>, n: number) => {
    const rows = [...map.entries()]
      .filter(([key]) => key !== '(idle)' && !key.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
    return `${title}\n${rows.join('\n')}`;
  };
  return [
    `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)}%); shares of busy time` +
      ` (${(startUp / 1e6).toFixed(1)} s loading modules at start-up left out)`,
    table('self time by module', modules, 20),
    table('self time by function', self, top),
    table('inclusive time by function', inclusive, top),
    ...(focus
      ? [
          table(
            `inclusive time of frames matching ${String(focus)}`,
            new Map([...inclusive].filter(([key]) => focus.test(key))),
            60,
          ),
        ]
      : []),
  ].join('\n\n');
}

type Scenario = 'onehop' | 'twohop' | 'page' | 'direct';

/**
 * --ab DIR: a second gateway, run from another copy of the tree, in front of the same
 * subgraphs; each operation is loaded in short bursts on one gateway then the other (which one
 * goes first alternates), so whatever else the machine is doing weighs on both alike. Prints
 * each gateway's throughput, latency and CPU time per request over all its bursts.
 */
async function compareGateways(
  otherRoot: string,
  services: OurServices,
  dataDir: string,
  scenarios: Record<Scenario, LoadOptions>,
  chosen: Scenario[],
  options: { bursts: number; seconds: number; warmupSeconds: number; workers: number | 'auto'; subgraphs: boolean },
): Promise<void> {
  const fromOther = (name: string, entry: string, env: NodeJS.ProcessEnv) =>
    spawnService({
      name,
      entry,
      cwd: otherRoot,
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn', SUBGRAPH_SIGNING_SECRET: services.signingSecret, ...env },
    });
  const tree = !isOtherGateway(otherRoot);
  // `direct` compares the records subgraphs of the two trees, over the same database; with
  // --ab-subgraphs B's gateway calls B's own three subgraphs too (the same databases).
  const otherRecords =
    tree && (chosen.includes('direct') || options.subgraphs)
      ? await fromOther('records B', 'subgraphs/records/main.ts', { RECORDS_PORT: '0' })
      : undefined;
  const otherPractices =
    tree && options.subgraphs
      ? await fromOther('practices B', 'subgraphs/practices/main.ts', { PRACTICES_PORT: '0' })
      : undefined;
  const otherRollout =
    otherPractices &&
    (await fromOther('rollout B', 'subgraphs/rollout/main.ts', { ROLLOUT_PORT: '0', PRACTICES_URL: otherPractices.url }));
  const other = !tree
    ? await startOtherGateway(otherRoot, services, options.workers === 'auto' ? availableParallelism() : options.workers)
    : await fromOther('gateway B', 'gateway/main.ts', {
        GATEWAY_PORT: '0',
        GATEWAY_WORKERS: String(options.workers),
        PRACTICES_URL: otherPractices?.url ?? services.urls.practices,
        ROLLOUT_URL: otherRollout ? otherRollout.url : services.urls.rollout,
        RECORDS_URL: options.subgraphs ? otherRecords!.url : services.urls.records,
        IDENTITY_PROVIDER_URL: services.identityProvider.url,
      });
  try {
    for (const name of chosen.filter((scenario) => scenario !== 'direct' || otherRecords)) {
      // The first process is the one compared; with --ab-subgraphs the others' CPU is shown too.
      const sides =
        name === 'direct'
          ? [
              { label: `A records (this tree)`, processes: [services.records], url: services.urls.records },
              { label: `B records (${otherRoot})`, processes: [otherRecords!], url: otherRecords!.url },
            ]
          : [
              {
                label: `A (this tree)`,
                processes: options.subgraphs
                  ? [services.gateway, services.practices, services.rollout, services.records]
                  : [services.gateway],
                url: services.urls.gateway,
              },
              {
                label: `B (${otherRoot})`,
                processes: options.subgraphs ? [other, otherPractices!, otherRollout!, otherRecords!] : [other],
                url: other.url,
              },
            ];
      const totals = sides.map((side) => ({
        requests: 0,
        seconds: 0,
        cpuMs: side.processes.map(() => 0),
        errors: 0,
        wrong: 0,
        p50: [] as number[],
        p99: [] as number[],
      }));
      for (const side of sides) {
        await runLoad({ ...scenarios[name], url: side.url, durationSeconds: options.warmupSeconds, warmupSeconds: 0 });
      }
      for (let burst = 0; burst < options.bursts; burst += 1) {
        const order = burst % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) {
          const side = sides[i]!;
          const before = side.processes.map((service) => service.cpuMs());
          const result = await runLoad({
            ...scenarios[name],
            url: side.url,
            durationSeconds: options.seconds,
            warmupSeconds: 0,
          });
          const total = totals[i]!;
          side.processes.forEach((service, k) => (total.cpuMs[k]! += service.cpuMs() - before[k]!));
          total.requests += result.requests;
          total.seconds += result.durationSeconds;
          total.errors += result.errors;
          total.wrong += result.wrong;
          total.p50.push(result.p50Ms);
          total.p99.push(result.p99Ms);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      console.log(`${name}: ${options.bursts} bursts of ${options.seconds} s on each side, interleaved`);
      totals.forEach((total, i) => {
        const side = sides[i]!;
        const each = side.processes.map((service, k) => `${service.name} ${(total.cpuMs[k]! / total.requests).toFixed(3)}`);
        console.log(
          `  ${side.label}: ${(total.requests / total.seconds).toFixed(0)} req/s, p50 ${median(total.p50).toFixed(1)} ms, ` +
            `p99 ${median(total.p99).toFixed(1)} ms (medians of bursts), CPU ${(total.cpuMs[0]! / total.requests).toFixed(3)} ms per request, ` +
            `${total.requests} requests, ${total.errors} errors, ${total.wrong} wrong` +
            (each.length > 1 ? `\n    CPU ms per request: ${each.join(', ')}` : ''),
        );
      });
      const [a, b] = totals as [(typeof totals)[0], (typeof totals)[0]];
      const perProcess = a.cpuMs.map(
        (_, k) =>
          `${sides[0]!.processes[k]!.name} ${((a.cpuMs[k]! / a.requests / (b.cpuMs[k]! / b.requests) - 1) * 100).toFixed(1)}%`,
      );
      console.log(
        `  A/B: throughput ${((a.requests / a.seconds / (b.requests / b.seconds) - 1) * 100).toFixed(1)}%, ` +
          `CPU per request ${perProcess.join(', ')}`,
      );
      if (b.errors > 0 || b.wrong > 0 || a.errors > 0 || a.wrong > 0)
        console.log('  (errors or wrong answers: the comparison is void)');
    }
  } finally {
    for (const service of [other, otherRollout, otherPractices, otherRecords]) await service?.stop();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      workers: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '1' },
      only: { type: 'string', default: 'twohop,page,direct' },
      profile: { type: 'boolean', default: false },
      root: { type: 'string' },
      summarize: { type: 'string' },
      focus: { type: 'string' },
      'node-args': { type: 'string' },
      'subgraph-node-args': { type: 'string' },
      ab: { type: 'string' },
      'ab-subgraphs': { type: 'boolean', default: false },
      bursts: { type: 'string', default: '8' },
      'sample-every': { type: 'string', default: '10' },
      peer: { type: 'string' },
    },
  });
  if (values.summarize) {
    console.log(summarizeProfile(values.summarize, 30, values.focus ? new RegExp(values.focus) : undefined));
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cas-profile-'));
  const profileDir = join(dataDir, 'profiles');
  const workers = values.workers === 'auto' ? 'auto' : Number(values.workers);
  const peerName = values.peer;
  if (peerName !== undefined && !isOtherGateway(peerName)) throw new Error(`--peer: not a peer gateway: ${peerName}`);
  // With --peer, the gateway measured (and profiled) is the peer; ours still runs, for the reference answers.
  const measuredNodeArgs = [
    ...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(values['node-args']?.split(' ').filter(Boolean) ?? []),
  ];
  const services = await startOurServices({
    dataDir,
    gatewayWorkers: workers,
    gatewayNodeArgs: peerName ? [] : measuredNodeArgs,
    subgraphNodeArgs: values['subgraph-node-args']?.split(' ').filter(Boolean) ?? [],
    ...(values.root ? { root: values.root } : {}),
  });
  const peer = peerName
    ? await startOtherGateway(peerName, services, workers === 'auto' ? availableParallelism() : workers, measuredNodeArgs)
    : undefined;
  const measured = peer ?? services.gateway;
  console.log([measured, services.practices, services.rollout, services.records].map((s) => `${s.name} pid ${s.pid}`).join(', '));
  try {
    const token = await signDevToken(services.keysPath, claimsFor({ role: 'patient', nhsNumber: NHS_NUMBER }));
    const post = async (url: string, body: unknown, headers: Record<string, string>) => {
      const text = JSON.stringify(body);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: text,
      });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    const auth = { authorization: `Bearer ${token}` };
    // The reference answers, checked once by hand-written rules; every sampled answer must equal them.
    const oneHop = await post(services.urls.gateway, { query: ONE_HOP }, auth);
    const twoHop = await post(services.urls.gateway, { query: TWO_HOP }, auth);
    const page = await post(services.urls.gateway, { query: FIRST_PAGE }, auth);
    const me = twoHop.data?.me as {
      nhsNumber: string;
      registeredPractice: { accessOdsCode: string; accessStatus: string; accessPeriods: unknown[] };
    };
    const pageMe = page.data?.me as { record: { totalCount: number; edges: unknown[] } };
    if (oneHop.errors || (oneHop.data?.me as { nhsNumber?: string } | undefined)?.nhsNumber !== NHS_NUMBER)
      throw new Error(`Unexpected one-hop answer: ${JSON.stringify(oneHop)}`);
    if (twoHop.errors || me?.nhsNumber !== NHS_NUMBER || !me.registeredPractice.accessPeriods.length)
      throw new Error(`Unexpected two-hop answer: ${JSON.stringify(twoHop)}`);
    if (
      page.errors ||
      !pageMe ||
      pageMe.record.edges.length !== Math.min(20, pageMe.record.totalCount) ||
      !pageMe.record.totalCount
    )
      throw new Error(`Unexpected first page: ${JSON.stringify(page)}`);
    const representation = {
      __typename: 'Patient',
      nhsNumber: NHS_NUMBER,
      registeredPractice: {
        accessOdsCode: me.registeredPractice.accessOdsCode,
        accessStatus: me.registeredPractice.accessStatus,
        accessPeriods: me.registeredPractice.accessPeriods,
      },
    };
    const viewer = {
      role: 'patient' as const,
      subject: `patient-${NHS_NUMBER}`,
      nhsNumber: NHS_NUMBER,
      identityLevel: 'P9' as const,
    };
    const sign = subgraphSigner(services.signingSecret, viewer, targetOf('records', services.urls.records));
    const directBody = { query: ENTITIES, variables: { r: [representation] } };
    const direct = await post(services.urls.records, directBody, sign(JSON.stringify(directBody)));
    if (!isDeepStrictEqual(direct.data, { _entities: [pageMe] }))
      throw new Error(`The records subgraph's page differs from the gateway's: ${JSON.stringify(direct)}`);

    const common = {
      connections: Number(values.connections),
      durationSeconds: Number(values.duration),
      warmupSeconds: Number(values.warmup),
      sampleEvery: Number(values['sample-every']),
    };
    const scenarios: Record<Scenario, LoadOptions> = {
      onehop: { ...common, url: measured.url, token, query: ONE_HOP, check: (body) => isDeepStrictEqual(body, oneHop) },
      twohop: { ...common, url: measured.url, token, query: TWO_HOP, check: (body) => isDeepStrictEqual(body, twoHop) },
      page: { ...common, url: measured.url, token, query: FIRST_PAGE, check: (body) => isDeepStrictEqual(body, page) },
      direct: {
        ...common,
        url: services.urls.records,
        query: ENTITIES,
        variables: directBody.variables,
        headersFor: sign,
        check: (body) => isDeepStrictEqual(body, direct),
      },
    };
    const chosen = values.only.split(',') as Scenario[];
    if (values.ab) {
      await compareGateways(values.ab, services, dataDir, scenarios, chosen, {
        bursts: Number(values.bursts),
        seconds: Number(values.duration),
        warmupSeconds: common.warmupSeconds,
        workers,
        subgraphs: values['ab-subgraphs'],
      });
      return;
    }
    const results = new Map<Scenario, LoadResult[]>();
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const name of chosen) {
        // Warm-up apart, so the CPU each process spends can be read over the measured run alone.
        if (common.warmupSeconds > 0)
          await runLoad({ ...scenarios[name], durationSeconds: common.warmupSeconds, warmupSeconds: 0 });
        const processes = [measured, services.practices, services.rollout, services.records];
        const cpuBefore = processes.map((service) => service.cpuMs());
        const selfBefore = process.cpuUsage();
        const result = await runLoad({ ...scenarios[name], warmupSeconds: 0 });
        const self = process.cpuUsage(selfBefore);
        const perRequest = processes.map(
          (service, i) => `${service.name} ${((service.cpuMs() - cpuBefore[i]!) / result.requests).toFixed(2)}`,
        );
        perRequest.push(`load ${((self.user + self.system) / 1000 / result.requests).toFixed(2)}`);
        results.set(name, [...(results.get(name) ?? []), result]);
        console.log(`${name.padEnd(7)} ${describeLoad(result)}${result.firstWrong ? `\n  wrong: ${result.firstWrong}` : ''}`);
        console.log(`        CPU ms per request: ${perRequest.join(', ')}`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `\nmedians over ${values.rounds} round(s), ${common.connections} connections, gateway workers ${values.workers}:`,
    );
    for (const [name, list] of results) {
      console.log(
        `  ${name.padEnd(7)} ${median(list.map((r) => r.reqPerSec)).toFixed(0)} req/s, p50 ${median(list.map((r) => r.p50Ms)).toFixed(1)} ms, p99 ${median(list.map((r) => r.p99Ms)).toFixed(1)} ms`,
      );
    }
    const pages = results.get('page');
    const directs = results.get('direct');
    if (pages && directs) {
      const rate = (list: LoadResult[]) =>
        list.reduce((sum, r) => sum + r.requests, 0) / list.reduce((sum, r) => sum + r.durationSeconds, 0);
      console.log(`  page / direct over all rounds: ${(rate(pages) / rate(directs)).toFixed(2)}`);
      console.log(
        `  page / direct: ${(median(pages.map((r) => r.reqPerSec)) / median(directs.map((r) => r.reqPerSec))).toFixed(2)}`,
      );
    }
    console.log(`  peak RSS: ${measured.name} ${(measured.peakRssBytes() / 2 ** 20).toFixed(0)} MB`);
  } finally {
    await peer?.stop();
    await services.stop();
    if (values.profile) {
      for (const file of readdirSync(profileDir).sort(
        (a, b) => statSync(join(profileDir, a)).mtimeMs - statSync(join(profileDir, b)).mtimeMs,
      )) {
        console.log(`\n${summarizeProfile(join(profileDir, file), 30, values.focus ? new RegExp(values.focus) : undefined)}`);
      }
      console.log(`\n(profiles kept in ${profileDir})`);
    } else {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
