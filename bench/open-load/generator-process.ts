import { readFileSync, writeFileSync } from 'node:fs';
import { runLoadPlan, type LoadPlan } from './generator';

/**
 * The generator's own process: `node --import tsx generator-process.ts PLAN.json FIGURES.json`.
 * Run apart from the services and the bench's driver, so its CPU is its own and its event loop
 * is not shared with anything it measures.
 */
async function main() {
  const [planPath, figuresPath] = process.argv.slice(2);
  if (!planPath || !figuresPath) throw new Error('usage: generator-process.ts PLAN.json FIGURES.json');
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as LoadPlan;
  writeFileSync(figuresPath, JSON.stringify(await runLoadPlan(plan)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
