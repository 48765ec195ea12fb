import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadFigures, LoadPlan } from './generator';

/**
 * Runs a plan in the generator's own process and returns its figures. The plan (tokens
 * included) lives in a private temporary directory only while the run lasts.
 */
export async function runInOwnProcess(plan: LoadPlan): Promise<LoadFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'cas-open-load-'));
  try {
    const planPath = join(dir, 'plan.json');
    const figuresPath = join(dir, 'figures.json');
    writeFileSync(planPath, JSON.stringify(plan), { mode: 0o600 });
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'generator-process.ts'), planPath, figuresPath], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`the load generator exited with ${code}: ${stderr}`);
    return JSON.parse(readFileSync(figuresPath, 'utf8')) as LoadFigures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
