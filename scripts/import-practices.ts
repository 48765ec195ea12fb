import { basename } from 'node:path';
import { systemClock } from '../platform/clock';
import { exitCodeOf, importPracticesFile, summaryOf } from '../subgraphs/practices/import/practice-file';
import { practicesDatabase } from '../subgraphs/practices/server';
import { loadDatabaseConfig } from '../subgraphs/runtime/config';
import { openDatabase } from '../subgraphs/runtime/database';
import { createProgressBar } from '../subgraphs/runtime/progress-bar';

/**
 * `npm run import:practices -- FILE`: loads the ODS GP practice file (epraccur.csv layout) into
 * the practices database the practices service uses (PRACTICES_DATABASE_URL, else the SQLite
 * file under DATA_DIR), migrated first in development (in production `npm run migrate` runs first);
 * what it checks and applies is in practice-file.ts.
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
  // The database alone: the import serves nothing, so it needs no signing secret or port. In
  // production it migrates nothing, as the service does not, and refuses a database with pending
  // migrations (`npm run migrate` runs them).
  const database = await openDatabase(loadDatabaseConfig('practices'), {
    entities: practicesDatabase.entities,
    migrations: practicesDatabase.migrations,
    migrateAtStart: process.env.NODE_ENV !== 'production',
    service: 'practices',
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
