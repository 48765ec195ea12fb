import { ConfigError, type SubgraphName } from '../platform/config';
import { runBackup, SUBGRAPH_NAMES } from '../subgraphs/runtime/backup/backup-run';

/**
 * `npm run backup -- [--out DIR] [practices|rollout|records ...]`: a consistent backup of each
 * subgraph's database (all three by default) into DIR (default data/backups): a `pg_dump` custom
 * archive per PostgreSQL database, an online copy per SQLite file. Services may keep running.
 */
const USAGE = 'Usage: npm run backup -- [--out DIR] [practices|rollout|records ...]';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.error(USAGE);
    return 0;
  }
  const at = argv.indexOf('--out');
  const outDir = at >= 0 ? argv[at + 1] : `${process.env.DATA_DIR ?? 'data'}/backups`;
  const asked = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  const unknown = asked.filter((name) => !SUBGRAPH_NAMES.includes(name as SubgraphName));
  if (!outDir || unknown.length > 0) {
    console.error(unknown.length > 0 ? `Unknown subgraph: ${unknown.join(', ')}\n${USAGE}` : USAGE);
    return 2;
  }
  const names = asked.length > 0 ? (asked as SubgraphName[]) : SUBGRAPH_NAMES;
  for (const file of await runBackup(names, outDir, process.env, new Date())) console.log(file);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof ConfigError ? message : `Backup failed: ${message}`);
    process.exitCode = 1;
  },
);
