import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig } from '../../gateway/config';
import { loadTraceConfig } from '../../platform/tracing/trace-config';
import { DEFAULT_PORTS, type SubgraphName } from '../../platform/config';
import { loadDatabaseConfig, loadSubgraphConfig } from '../../subgraphs/runtime/config';
import { kubernetesSchemaProblems } from '../helpers/kubernetes-schemas';
import { findKubectl, renderByReading, renderWithKubectl, type KubernetesObject } from '../helpers/kustomize';

/**
 * deploy/kubernetes/ against the Kubernetes API's schemas (kubernetes-models) and against our
 * own rules, with every service's environment fed to the loaders the services call at start, as
 * test/unit/docker-compose.test.ts does for docker-compose.yml. The example overlay is what is
 * rendered: the base, plus the Secrets and ConfigMap it references, so every reference resolves.
 */

const root = join(__dirname, '..', '..');
const BASE = join(root, 'deploy', 'kubernetes', 'base');
const EXAMPLE = join(root, 'deploy', 'kubernetes', 'example');
const SUBGRAPHS = Object.keys(DEFAULT_PORTS) as SubgraphName[];
const SERVICES = ['gateway', ...SUBGRAPHS] as const;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

// ---------------------------------------------------------------------------------------------
// The shapes read here (only the fields the rules look at).

interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { protocol?: string; port?: number; endPort?: number }[];
}
interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

const ofKind = (objects: KubernetesObject[], kind: string) => objects.filter((object) => object.kind === kind);
const named = (objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);
const specOf = <T>(object: KubernetesObject | undefined) => object?.spec as T;
const podTemplateOf = (object: KubernetesObject): PodTemplate =>
  object.kind === 'Job' || object.kind === 'Deployment'
    ? (object.spec as { template: PodTemplate }).template
    : (undefined as never);
const selects = (selector: LabelSelector | undefined, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
  (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) =>
    // An operator this check does not know selects nothing, so a policy using it admits nothing here.
    operator === 'In' ? values.includes(labels[key] ?? '') : operator === 'Exists' ? key in labels : false,
  );
/** The label every namespace carries with its own name. */
const inNamespace = (name: string) => ({ 'kubernetes.io/metadata.name': name });
const containersOf = (pod: PodSpec) => [...(pod.initContainers ?? []), ...pod.containers];

/** The command a package.json script runs, as node runs it without npm in between. */
function scriptCommand(script: string): string[] {
  const words = (packageJson.scripts[script] ?? '').split(/\s+/);
  // `tsx FILE` and `node --import tsx FILE` run FILE the same way, in one process for the latter.
  return words[0] === 'tsx' ? ['node', '--import', 'tsx', ...words.slice(1)] : words;
}

/** A container's environment as the kubelet would give it, from the rendered Secrets and ConfigMaps. */
function environmentOf(objects: KubernetesObject[], container: Container): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const object = ref && named(objects, source.secretRef ? 'Secret' : 'ConfigMap', ref.name);
    if (!object) {
      if (!ref?.optional) problems.push(`${container.name}: takes every key of ${ref?.name}, which the example lacks`);
      continue;
    }
    for (const [key, raw] of Object.entries((object.data ?? {}) as Record<string, string>))
      env[key] = source.secretRef ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = variable.value;
      continue;
    }
    const secret = variable.valueFrom?.secretKeyRef;
    const configMap = variable.valueFrom?.configMapKeyRef;
    const ref = secret ?? configMap;
    if (!ref) {
      problems.push(`${container.name}: ${variable.name} has neither a value nor a Secret or ConfigMap key`);
      continue;
    }
    const source = named(objects, secret ? 'Secret' : 'ConfigMap', ref.name);
    const data = source?.data as Record<string, string> | undefined;
    const raw = data?.[ref.key];
    if (raw === undefined) {
      if (!ref.optional)
        problems.push(`${container.name}: ${variable.name} names ${ref.name}/${ref.key}, which the example lacks`);
      continue;
    }
    env[variable.name] = secret ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  }
  return { env, problems };
}

/** Whether some policy of `kind` selecting `pod` lets `peer` through on `port` (ingress: from it; egress: to it). */
function policiesAllow(
  policies: NetworkPolicySpec[],
  kind: 'Ingress' | 'Egress',
  pod: Record<string, string>,
  peer: { labels: Record<string, string>; namespace?: string } | { external: true },
  port: number,
): boolean {
  return policies
    .filter((policy) => (policy.policyTypes ?? ['Ingress']).includes(kind) && selects(policy.podSelector, pod))
    .some((policy) =>
      (kind === 'Ingress' ? policy.ingress : policy.egress)?.some((rule) => {
        const peers = kind === 'Ingress' ? rule.from : rule.to;
        const portOk =
          !rule.ports ||
          rule.ports.some(
            (allowed) =>
              allowed.port === undefined ||
              allowed.port === port ||
              (allowed.endPort !== undefined && port >= allowed.port && port <= allowed.endPort),
          );
        const peerOk =
          !peers ||
          peers.length === 0 ||
          peers.some((candidate) => {
            // Anything outside the cluster, or in a namespace no policy names.
            if ('external' in peer)
              return (
                candidate.ipBlock !== undefined ||
                (candidate.namespaceSelector !== undefined && selects(candidate.namespaceSelector, inNamespace('elsewhere')))
              );
            if (peer.namespace === undefined)
              return (
                candidate.podSelector !== undefined && !candidate.namespaceSelector && selects(candidate.podSelector, peer.labels)
              );
            return (
              candidate.namespaceSelector !== undefined &&
              selects(candidate.namespaceSelector, inNamespace(peer.namespace)) &&
              selects(candidate.podSelector, peer.labels)
            );
          });
        return portOk && peerOk;
      }),
    );
}

// ---------------------------------------------------------------------------------------------
// Our rules, as a list of what breaks them: empty when the manifests keep every one.

function ruleProblems(objects: KubernetesObject[]): string[] {
  const problems: string[] = [];
  const deployments = new Map(SERVICES.map((service) => [service, named(objects, 'Deployment', service)]));
  const job = named(objects, 'Job', 'migrate');
  if (!job) problems.push('no migration Job');
  for (const [service, deployment] of deployments) if (!deployment) problems.push(`no Deployment ${service}`);
  const workloads = [...deployments.values(), job].filter((object): object is KubernetesObject => object !== undefined);

  const appImages = new Set<string>();
  for (const workload of workloads) {
    const where = `${workload.kind} ${workload.metadata.name}`;
    const pod = podTemplateOf(workload).spec;
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${where}: seccomp is not RuntimeDefault`);
    if (pod.automountServiceAccountToken !== false) problems.push(`${where}: mounts a service account token`);
    for (const container of containersOf(pod)) {
      const at = `${where}, container ${container.name}`;
      const user = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (typeof user !== 'number' || user === 0) problems.push(`${at}: no numeric non-root runAsUser`);
      if (container.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${at}: may escalate privileges`);
      if (container.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
      if (!container.securityContext?.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities not all dropped`);
      for (const bound of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) {
          if (!container.resources?.[bound]?.[resource]) problems.push(`${at}: no ${resource} ${bound}`);
        }
      }
      if (container.image?.startsWith('citizen-access-supergraph:')) appImages.add(container.image);
    }
  }
  if (appImages.size !== 1)
    problems.push(`the Node services run ${appImages.size} images, not one: ${[...appImages].join(', ')}`);

  for (const service of SERVICES) {
    const deployment = deployments.get(service);
    if (!deployment) continue;
    const template = podTemplateOf(deployment);
    const container = template.spec.containers.find((candidate) => candidate.name === service);
    if (!container) {
      problems.push(`${service}: no container named ${service}`);
      continue;
    }
    if (!selects((deployment.spec as { selector: LabelSelector }).selector, template.metadata.labels))
      problems.push(`${service}: its selector does not select its own pods`);
    if (container.image && !container.image.startsWith('citizen-access-supergraph:'))
      problems.push(`${service}: not the service image`);
    if (JSON.stringify(container.command) !== JSON.stringify(scriptCommand(`start:${service}`)))
      problems.push(`${service}: command is not \`npm run start:${service}\`'s`);
    const port = container.ports?.find((candidate) => candidate.name === 'http');
    const probe = (name: 'startupProbe' | 'livenessProbe' | 'readinessProbe', path: string) => {
      const httpGet = container[name]?.httpGet;
      if (httpGet?.path !== path || (httpGet.port !== 'http' && httpGet.port !== port?.containerPort))
        problems.push(`${service}: ${name} is not GET ${path} on its port`);
    };
    probe('startupProbe', '/healthz');
    probe('livenessProbe', '/healthz');
    probe('readinessProbe', '/readyz');
    const pause = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if ((template.spec.terminationGracePeriodSeconds ?? 30) < pause + 10)
      problems.push(`${service}: the grace period leaves under 10 s to finish requests after the preStop pause`);

    // The environment, through the loaders the service calls at start, in production.
    const { env, problems: missing } = environmentOf(objects, container);
    problems.push(...missing.map((problem) => `${service}: ${problem}`));
    if (env.NODE_ENV !== 'production') problems.push(`${service}: NODE_ENV is not production`);
    // Traces (decision 0076): the example sends them, and the service would accept its settings.
    try {
      if (!loadTraceConfig(env)) problems.push(`${service}: sends no traces in the example`);
    } catch (error) {
      problems.push(`${service}: refuses its trace settings: ${(error as Error).message}`);
    }
    try {
      const loaded = service === 'gateway' ? loadGatewayConfig(env) : loadSubgraphConfig(service, env);
      if (loaded.port !== port?.containerPort) problems.push(`${service}: listens on ${loaded.port}, not its container port`);
      if (loaded.host !== '0.0.0.0') problems.push(`${service}: does not listen on every interface`);
      const metricsPort = container.ports?.find((candidate) => candidate.name === 'metrics')?.containerPort;
      if (!loaded.metrics || loaded.metrics.port !== metricsPort)
        problems.push(`${service}: serves metrics on ${loaded.metrics?.port}, not its metrics container port`);
      else if (loaded.metrics.host !== '0.0.0.0') problems.push(`${service}: Prometheus cannot reach its metrics port`);
      if (service !== 'gateway' && (loaded as ReturnType<typeof loadSubgraphConfig>).database.kind !== 'postgres')
        problems.push(`${service}: not on PostgreSQL`);
      const calls: Partial<Record<SubgraphName, string>> =
        service === 'gateway'
          ? (loaded as ReturnType<typeof loadGatewayConfig>).subgraphUrls
          : service === 'rollout'
            ? { practices: (loaded as ReturnType<typeof loadSubgraphConfig>).practicesUrl }
            : {};
      for (const [callee, url] of Object.entries(calls) as [SubgraphName, string][]) {
        const target = new URL(url);
        const servicePort = specOf<{ ports: { port: number }[] }>(named(objects, 'Service', target.hostname))?.ports[0]?.port;
        if (servicePort !== Number(target.port) || target.hostname !== callee)
          problems.push(`${service}: calls ${callee} at ${url}, which is not its Service`);
      }
    } catch (error) {
      problems.push(`${service}: refuses to start: ${(error as Error).message}`);
    }

    const serviceObject = named(objects, 'Service', service);
    const serviceSpec = specOf<{ selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] }>(
      serviceObject,
    );
    if (!serviceSpec || !selects({ matchLabels: serviceSpec.selector }, template.metadata.labels))
      problems.push(`${service}: no Service selects its pods`);
    else if (serviceSpec.ports[0]?.port !== port?.containerPort) problems.push(`${service}: its Service is not on its port`);
    // Decision 0083: each gateway pod's calls to a subgraph reach one pod, whose replay record sees them all.
    if (
      service !== 'gateway' &&
      serviceObject &&
      (serviceObject.spec as { sessionAffinity?: string }).sessionAffinity !== 'ClientIP'
    )
      problems.push(`${service}: its Service does not pin each caller to one pod`);
    if (
      !ofKind(objects, 'PodDisruptionBudget').some((pdb) =>
        selects(specOf<{ selector: LabelSelector }>(pdb).selector, template.metadata.labels),
      )
    )
      problems.push(`${service}: no PodDisruptionBudget`);
  }

  const hpa = named(objects, 'HorizontalPodAutoscaler', 'gateway');
  const hpaSpec = specOf<{ scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number }>(hpa);
  if (
    hpa?.apiVersion !== 'autoscaling/v2' ||
    hpaSpec.scaleTargetRef?.kind !== 'Deployment' ||
    hpaSpec.scaleTargetRef.name !== 'gateway'
  )
    problems.push('no autoscaling/v2 HorizontalPodAutoscaler for the gateway Deployment');
  else if ((hpaSpec.minReplicas ?? 1) < 2) problems.push('the gateway may scale below two replicas');

  if (job) {
    const pod = podTemplateOf(job).spec;
    const migrate = pod.initContainers?.find((container) => container.name === 'migrate');
    if (JSON.stringify(migrate?.command) !== JSON.stringify(scriptCommand('migrate')))
      problems.push('the Job does not run `npm run migrate` first');
    else {
      const { env, problems: missing } = environmentOf(objects, migrate!);
      problems.push(...missing.map((problem) => `migrate: ${problem}`));
      for (const name of SUBGRAPHS) {
        try {
          if (loadDatabaseConfig(name, env).kind !== 'postgres') problems.push(`migrate: ${name} is not on PostgreSQL`);
        } catch (error) {
          problems.push(`migrate: ${(error as Error).message}`);
        }
      }
    }
    for (const container of pod.containers)
      problems.push(...environmentOf(objects, container).problems.map((p) => `migrate: ${p}`));
    // Then each grants file, as the owner the migrations ran as, from the generated ConfigMap.
    const grants = pod.containers.find((container) => container.name === 'grants');
    const script = grants?.command?.join(' ') ?? '';
    const ownerUrls = migrate ? environmentOf(objects, migrate).env : {};
    const grantsEnv = grants ? environmentOf(objects, grants).env : {};
    const mount = grants?.volumeMounts?.find((volumeMount) => volumeMount.mountPath === '/grants');
    const volume = pod.volumes?.find((candidate) => candidate.name === mount?.name);
    if (volume?.configMap?.name !== 'database-grants') problems.push('the Job does not mount the grants files at /grants');
    for (const name of SUBGRAPHS) {
      const upper = name.toUpperCase();
      if (!script.includes(`--dbname="$${upper}_MIGRATION_DATABASE_URL" --file=/grants/${name}-grants.sql`))
        problems.push(`the Job does not apply ${name}'s grants`);
      if (
        !grantsEnv[`${upper}_MIGRATION_DATABASE_URL`] ||
        grantsEnv[`${upper}_MIGRATION_DATABASE_URL`] !== ownerUrls[`${upper}_DATABASE_URL`]
      )
        problems.push(`the Job applies ${name}'s grants as another user than the migrations ran as`);
    }
  }

  // Who reaches whom: every pair of our pods, on the callee's port.
  const policies = ofKind(objects, 'NetworkPolicy').map((policy) => policy.spec as NetworkPolicySpec);
  if (
    !policies.some(
      (policy) =>
        Object.keys(policy.podSelector.matchLabels ?? {}).length === 0 &&
        !policy.ingress &&
        !policy.egress &&
        policy.policyTypes?.includes('Ingress') &&
        policy.policyTypes.includes('Egress'),
    )
  )
    problems.push('no default-deny policy (every pod, ingress and egress, nothing allowed)');
  const pods = new Map(workloads.map((workload) => [workload.metadata.name, podTemplateOf(workload).metadata.labels]));
  const allowedCalls = new Set(['gateway->practices', 'gateway->rollout', 'gateway->records', 'rollout->practices']);
  // Each side on its own: what a subgraph admits (from our pods, another pod of the namespace, and
  // anything outside it), and where each of our pods may send.
  const callers: [string, { labels: Record<string, string> } | { external: true }][] = [
    ...[...pods].map(([name, labels]) => [name, { labels }] as [string, { labels: Record<string, string> }]),
    ['another pod', { labels: { 'app.kubernetes.io/name': 'another' } }],
    ['a client outside the namespace', { external: true }],
  ];
  for (const callee of SUBGRAPHS) {
    const calleeLabels = pods.get(callee);
    if (!calleeLabels) continue;
    const port = DEFAULT_PORTS[callee];
    for (const [caller, peer] of callers) {
      const allowed = allowedCalls.has(`${caller}->${callee}`);
      const admits = policiesAllow(policies, 'Ingress', calleeLabels, peer, port);
      if (admits !== allowed) problems.push(`${callee} ${admits ? 'admits' : 'refuses'} ${caller}`);
      if ('labels' in peer && pods.has(caller)) {
        const sends = policiesAllow(policies, 'Egress', peer.labels, { labels: calleeLabels }, port);
        if (sends !== allowed) problems.push(`${caller} ${sends ? 'may' : 'may not'} send to ${callee}`);
      }
    }
  }
  for (const [caller, callerLabels] of pods) {
    const database = policiesAllow(policies, 'Egress', callerLabels, { external: true }, 5432);
    if (database !== (caller !== 'gateway')) problems.push(`${caller} ${database ? 'reaches' : 'cannot reach'} PostgreSQL`);
    const identityProviders = policiesAllow(policies, 'Egress', callerLabels, { external: true }, 443);
    if (identityProviders !== (caller === 'gateway'))
      problems.push(`${caller} ${identityProviders ? 'reaches' : 'cannot reach'} the identity providers`);
  }
  // Metrics: Prometheus (in the monitoring namespace) alone, on each service's metrics port.
  const prometheus = { labels: { 'app.kubernetes.io/name': 'prometheus' }, namespace: 'monitoring' };
  for (const service of SERVICES) {
    const labels = pods.get(service);
    const deployment = deployments.get(service);
    if (!labels || !deployment) continue;
    const container = podTemplateOf(deployment).spec.containers.find((candidate) => candidate.name === service);
    const port = container?.ports?.find((candidate) => candidate.name === 'metrics')?.containerPort;
    if (port === undefined) {
      problems.push(`${service}: no metrics port`);
      continue;
    }
    if (!policiesAllow(policies, 'Ingress', labels, prometheus, port)) problems.push(`${service}: Prometheus cannot scrape it`);
    const others: [string, Parameters<typeof policiesAllow>[3]][] = [
      ...callers,
      ['a pod of another namespace', { labels: { 'app.kubernetes.io/name': 'prometheus' }, namespace: 'elsewhere' }],
    ];
    for (const [caller, peer] of others)
      if (policiesAllow(policies, 'Ingress', labels, peer, port)) problems.push(`${service}'s metrics port admits ${caller}`);
    const servicePorts =
      specOf<{ ports: { port: number; targetPort?: string | number }[] }>(named(objects, 'Service', service))?.ports ?? [];
    if (
      servicePorts.some(
        (servicePort) => servicePort.port === port || servicePort.targetPort === 'metrics' || servicePort.targetPort === port,
      )
    )
      problems.push(`${service}: its Service carries the metrics port`);
  }
  // Traces: every service sends to the OpenTelemetry collector in the monitoring namespace, on OTLP/HTTP only.
  const collector = { labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' }, namespace: 'monitoring' };
  for (const service of SERVICES) {
    const labels = pods.get(service);
    if (!labels) continue;
    if (!policiesAllow(policies, 'Egress', labels, collector, 4318)) problems.push(`${service} cannot send its traces`);
    if (policiesAllow(policies, 'Egress', labels, { external: true }, 4318)) problems.push(`${service} may send traces anywhere`);
  }
  const gatewayLabels = pods.get('gateway');
  if (gatewayLabels && !policiesAllow(policies, 'Ingress', gatewayLabels, { external: true }, 4000))
    problems.push('clients cannot reach the gateway');
  return problems;
}

// ---------------------------------------------------------------------------------------------

const rendered = renderByReading(EXAMPLE);
const kubectl = findKubectl();
const identity = (object: KubernetesObject) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const byIdentity = (objects: KubernetesObject[]) => [...objects].sort((a, b) => identity(a).localeCompare(identity(b)));
const clone = (objects: KubernetesObject[]) => JSON.parse(JSON.stringify(objects)) as KubernetesObject[];

describe('deploy/kubernetes', () => {
  it('renders the gateway, the three subgraphs, the migration Job, their Services, budgets, autoscaler and policies', () => {
    const kinds = rendered.map((object) => `${object.kind} ${object.metadata.name}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        ...SERVICES.flatMap((service) => [`Deployment ${service}`, `Service ${service}`, `PodDisruptionBudget ${service}`]),
        'HorizontalPodAutoscaler gateway',
        'Job migrate',
        'Namespace citizen-access',
        'NetworkPolicy default-deny',
      ]),
    );
    for (const object of rendered.filter((candidate) => candidate.kind !== 'Namespace'))
      expect({ object: identity(object), namespace: object.metadata.namespace }).toEqual({
        object: identity(object),
        namespace: 'citizen-access',
      });
  });

  (kubectl ? it : it.skip)('renders the same objects with kubectl kustomize as by reading the kustomizations', () => {
    expect(byIdentity(renderWithKubectl(kubectl!, EXAMPLE))).toEqual(byIdentity(rendered));
    expect(byIdentity(renderWithKubectl(kubectl!, BASE))).toEqual(byIdentity(renderByReading(BASE)));
  });
  if (!kubectl) console.warn('kubectl not found: the manifests are rendered by reading the kustomizations only');

  it('every object is valid by the Kubernetes API schemas', async () => {
    const problems = await kubernetesSchemaProblems(rendered);
    expect(Object.fromEntries(rendered.map((object, i) => [identity(object), problems[i]]))).toEqual(
      Object.fromEntries(rendered.map((object) => [identity(object), []])),
    );
  }, 60_000);

  it('breaks none of our rules: probes, non-root, resources, one image, the environment each service needs, who reaches whom', () => {
    expect(ruleProblems(rendered)).toEqual([]);
  });

  it('the base holds no Secret: real values never live in the repository', () => {
    expect(ofKind(renderByReading(BASE), 'Secret')).toEqual([]);
  });

  it.each(SUBGRAPHS)('%s: the migration Job applies the very grants file docker-compose.yml applies', (name) => {
    const grants = named(rendered, 'ConfigMap', 'database-grants')?.data as Record<string, string>;
    expect(grants[`${name}-grants.sql`]).toBe(readFileSync(join(root, 'docker', 'postgres', `${name}-grants.sql`), 'utf8'));
  });

  describe('catches a broken manifest', () => {
    it('a field of the wrong type, by the schemas', async () => {
      const broken = clone(rendered);
      (named(broken, 'Deployment', 'records')!.spec as { replicas: unknown }).replicas = 'two';
      const problems = await kubernetesSchemaProblems(broken);
      expect(problems[broken.findIndex((object) => identity(object) === 'Deployment/citizen-access/records')]).toEqual([
        '/spec/replicas must be integer',
      ]);
    }, 60_000);

    it('a missing probe, a root user, a Secret key the example lacks, grants left out, a subgraph open to all', () => {
      const broken = clone(rendered);
      const records = podTemplateOf(named(broken, 'Deployment', 'records')!).spec;
      delete records.containers[0]!.readinessProbe;
      records.securityContext!.runAsUser = 0;
      podTemplateOf(named(broken, 'Deployment', 'gateway')!).spec.containers[0]!.env!.find(
        (variable) => variable.name === 'SUBGRAPH_SIGNING_SECRET',
      )!.valueFrom!.secretKeyRef!.key = 'SIGNING_SECRET';
      const grants = podTemplateOf(named(broken, 'Job', 'migrate')!).spec.containers[0]!;
      grants.command = grants.command!.map((part) => part.replace(/^.*records-grants\.sql$/m, ''));
      const policy = named(broken, 'NetworkPolicy', 'rollout')!.spec as NetworkPolicySpec;
      delete policy.ingress![0]!.from;
      expect(ruleProblems(broken)).toEqual(
        expect.arrayContaining([
          'records: readinessProbe is not GET /readyz on its port',
          'Deployment records, container records: no numeric non-root runAsUser',
          'gateway: gateway: SUBGRAPH_SIGNING_SECRET names subgraph-signing/SIGNING_SECRET, which the example lacks',
          'gateway: refuses to start: SUBGRAPH_SIGNING_SECRET: required in production',
          "the Job does not apply records's grants",
          'rollout admits another pod',
          'rollout admits a client outside the namespace',
        ]),
      );
    });

    it('metrics open to every namespace, served on the wrong port, or carried by a Service', () => {
      const broken = clone(rendered);
      const metrics = named(broken, 'NetworkPolicy', 'metrics')!.spec as NetworkPolicySpec;
      delete metrics.ingress![0]!.from![0]!.namespaceSelector!.matchLabels;
      const records = podTemplateOf(named(broken, 'Deployment', 'records')!).spec.containers[0]!;
      records.ports!.find((port) => port.name === 'metrics')!.containerPort = 9500;
      (named(broken, 'Service', 'practices')!.spec as { ports: object[] }).ports.push({ name: 'metrics', port: 9401 });
      expect(ruleProblems(broken)).toEqual(
        expect.arrayContaining([
          "gateway's metrics port admits a pod of another namespace",
          'records: serves metrics on 9403, not its metrics container port',
          'practices: its Service carries the metrics port',
        ]),
      );
    });
  });
});
