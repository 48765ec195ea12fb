import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface NpmStart {
  child: ChildProcess;
  output: () => string;
}

/**
 * Runs what `npm start` runs, as its own process, and waits for its banner. As package.json's
 * start script does: node itself, not the tsx CLI, whose signal relay gives a child 60 ms to
 * report a signal before killing it (exit 130 on a loaded machine).
 */
export function startNpmStart(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<NpmStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    child.stdout?.on('data', () => {
      if (output.includes('Press Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

/** Ctrl-C, as a terminal sends it; resolves with the exit code (null once gone already or killed). */
export function stopNpmStart(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}
