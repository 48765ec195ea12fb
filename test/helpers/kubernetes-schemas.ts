import { execFile } from 'node:child_process';
import { join } from 'node:path';

/**
 * What is wrong with each object by the Kubernetes API's schemas (kubernetes-models): one list
 * per object, in order, empty when it is valid. An apiVersion or kind without a schema is wrong too.
 */
export function kubernetesSchemaProblems(objects: readonly unknown[]): Promise<string[][]> {
  const script = join(__dirname, 'validate-kubernetes-objects.mts');
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', script],
      { cwd: join(__dirname, '..', '..'), maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`schema validation failed to run: ${stderr || error.message}`));
        try {
          resolve(JSON.parse(stdout) as string[][]);
        } catch {
          reject(new Error(`schema validation gave no answer: ${stdout.slice(0, 200)}`));
        }
      },
    );
    child.stdin!.end(JSON.stringify(objects));
  });
}
