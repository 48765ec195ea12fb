/**
 * Validates Kubernetes objects against the Kubernetes API's OpenAPI schemas, with
 * kubernetes-models (one model per apiVersion and kind, each with the schema's validator).
 * Run as a child process by kubernetes-schemas.ts: the package ships ES modules only, which
 * Jest's CommonJS runtime cannot load. Reads a JSON array of objects on stdin; writes, for each,
 * the list of what is wrong with it (empty: valid), as a JSON array in the same order.
 */
import { buffer } from 'node:stream/consumers';

interface KubernetesObject {
  apiVersion?: unknown;
  kind?: unknown;
}
type Model = new (data: unknown) => { validate(): void };

/** `apps/v1` Deployment is kubernetes-models/apps/v1/Deployment; the core group's `v1` Service, kubernetes-models/v1/Service. */
async function modelOf(object: KubernetesObject): Promise<Model | string> {
  const { apiVersion, kind } = object;
  if (
    typeof apiVersion !== 'string' ||
    typeof kind !== 'string' ||
    !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) ||
    !/^[A-Z][A-Za-z]+$/.test(kind)
  ) {
    return `no schema: apiVersion ${String(apiVersion)}, kind ${String(kind)}`;
  }
  try {
    const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, Model | undefined>;
    return module[kind] ?? `no schema: ${apiVersion} ${kind}`;
  } catch {
    return `no schema: ${apiVersion} ${kind}`;
  }
}

async function problemsOf(object: KubernetesObject): Promise<string[]> {
  const model = await modelOf(object);
  if (typeof model === 'string') return [model];
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath?: string; message?: string }[] }).errors;
    return details?.length
      ? details.map((detail) => `${detail.instancePath || '/'} ${detail.message ?? 'is invalid'}`)
      : [String(error)];
  }
}

async function main(): Promise<void> {
  const objects = JSON.parse((await buffer(process.stdin)).toString('utf8')) as KubernetesObject[];
  const problems = await Promise.all(objects.map(problemsOf));
  process.stdout.write(JSON.stringify(problems));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
