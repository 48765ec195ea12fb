import { basename } from 'node:path';
import { systemClock } from '../platform/clock';
import { exitCodeOf, importPracticesFile, summaryOf } from '../subgraphs/practices/import/practice-file';
import { practicesDatabase } from '../subgraphs/practices/server';
import { loadSubgraphConfig } from '../subgraphs/runtime/config';
import { openDatabase } from '../subgraphs/runtime/database';
import { createProgressBar } from '../subgraphs/runtime/progress-bar';

/**
 * `npm run import:practices -- FILE`: loads the ODS GP practice file (epraccur.csv layout) into
 * the practices database the practices service uses (PRACTICES_DATABASE_URL, else the SQLite
 * file under DATA_DIR), migrated first; what it checks and applies is in practice-file.ts.
 *
 * Exit code: 0 all rows applied; 2 some rows rejected (the valid ones are applied);
 * 1 the file cannot be read or parsed (nothing applied).
 */
async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error('Usage: npm run import:practices -- FILE   (the ODS GP practice file, epraccur.csv layout)');
    return 1;
  }
  const config = loadSubgraphConfig('practices');
  const database = await openDatabase(config.database, {
    entities: practicesDatabase.entities,
    migrations: practicesDatabase.migrations,
  });
  try {
    const outcome = await importPracticesFile(file, database.dataSource, {
      now: systemClock.now(),
      progress: (total) => createProgressBar({ label: `Reading ${basename(file)}`, total }),
    });
    const summary = summaryOf(file, outcome);
    if (outcome.kind === 'unreadable') console.error(summary);
    else console.log(summary);
    return exitCodeOf(outcome);
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`import:practices failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
