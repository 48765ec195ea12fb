import { ConfigError, type SubgraphName } from '../platform/config';
import { RestoreRefused, runRestore, SUBGRAPH_NAMES } from '../subgraphs/runtime/backup/backup-run';

/**
 * `npm run restore -- <practices|rollout|records> FILE [--replace]`: puts a backup from
 * `npm run backup` back into that subgraph's database, with its service stopped. A database that
 * already holds tables is refused (exit 3) unless `--replace`.
 */
const USAGE = 'Usage: npm run restore -- <practices|rollout|records> FILE [--replace]';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.error(USAGE);
    return 0;
  }
  const replace = argv.includes('--replace');
  const [name, file, ...rest] = argv.filter((arg) => arg !== '--replace');
  if (!name || !file || rest.length > 0 || !SUBGRAPH_NAMES.includes(name as SubgraphName)) {
    console.error(USAGE);
    return 2;
  }
  await runRestore(name as SubgraphName, file, replace, process.env);
  console.log(`${name}: restored from ${file}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RestoreRefused) {
      console.error(`Refused: ${message}`);
      process.exitCode = 3;
      return;
    }
    console.error(error instanceof ConfigError ? message : `Restore failed: ${message}`);
    process.exitCode = 1;
  },
);
