import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, as plain data. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The only fields our kustomizations use: what renderByReading understands, so both renderers agree. */
const UNDERSTOOD = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);
/** Kinds that belong to no namespace, which Kustomize's `namespace` leaves alone. */
const CLUSTER_SCOPED = new Set(['Namespace']);

interface Generator {
  name: string;
  literals?: string[];
  files?: string[];
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const documentsIn = (text: string): KubernetesObject[] =>
  parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors[0]!.message);
      return document.toJS() as KubernetesObject | null;
    })
    .filter((object): object is KubernetesObject => object !== null);

/** A generator's key/value pairs: `KEY=VALUE` literals, and files by their base name. */
function generatedData(directory: string, generator: Generator): Record<string, string> {
  const data: Record<string, string> = {};
  for (const literal of generator.literals ?? []) {
    const at = literal.indexOf('=');
    if (at <= 0) throw new Error(`${generator.name}: literal without KEY=: ${literal}`);
    data[literal.slice(0, at)] = literal.slice(at + 1);
  }
  for (const file of generator.files ?? []) data[basename(file)] = readFileSync(join(directory, file), 'utf8');
  return data;
}

/**
 * Renders a kustomization by reading it: its resources (files, or folders holding a
 * kustomization of their own), its ConfigMap and Secret generators (literals and files), and its
 * namespace. Anything else in it is refused, so that this and `kubectl kustomize` cannot quietly
 * disagree; the manifest test compares them where kubectl is installed.
 */
export function renderByReading(directory: string): KubernetesObject[] {
  const kustomization = documentsIn(readFileSync(join(directory, 'kustomization.yaml'), 'utf8'))[0] as unknown as Kustomization;
  const unknown = Object.keys(kustomization).filter((field) => !UNDERSTOOD.has(field));
  if (unknown.length > 0) throw new Error(`${directory}: kustomization fields not understood here: ${unknown.join(', ')}`);
  const generators = [...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])];
  if (generators.length > 0 && kustomization.generatorOptions?.disableNameSuffixHash !== true) {
    throw new Error(`${directory}: generated names need disableNameSuffixHash here (Kustomize's hash is its own)`);
  }
  const objects: KubernetesObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(directory, resource);
    objects.push(...(statSync(path).isDirectory() ? renderByReading(path) : documentsIn(readFileSync(path, 'utf8'))));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name },
      data: generatedData(directory, generator),
    });
  }
  for (const generator of kustomization.secretGenerator ?? []) {
    const data = Object.entries(generatedData(directory, generator)).map(([key, value]) => [
      key,
      Buffer.from(value, 'utf8').toString('base64'),
    ]);
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: generator.name },
      type: 'Opaque',
      data: Object.fromEntries(data),
    });
  }
  const namespace = kustomization.namespace;
  if (namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace;
  }
  return objects;
}

/** The kubectl on this machine, if any (it is not on every machine the tests run on). */
export function findKubectl(): string | null {
  for (const directory of (process.env.PATH ?? '').split(':')) {
    const candidate = join(directory || '.', 'kubectl');
    if (directory && existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * `kubectl kustomize DIRECTORY`. Secret values are base64 that kubectl wraps over several lines;
 * the API server's decoder skips line breaks, so they are joined here as it reads them.
 */
export function renderWithKubectl(kubectl: string, directory: string): KubernetesObject[] {
  const objects = documentsIn(execFileSync(kubectl, ['kustomize', directory], { encoding: 'utf8', timeout: 60_000 }));
  for (const object of objects) {
    const data = object.kind === 'Secret' ? (object.data as Record<string, string> | undefined) : undefined;
    for (const key of Object.keys(data ?? {})) data![key] = data![key]!.replace(/\s+/g, '');
  }
  return objects;
}
