import { Client } from 'pg';
import type { SubgraphName } from '../../platform/config';
import type { SubgraphHandle } from '../../subgraphs/runtime/start-subgraph';
import { capturedLogger } from '../helpers/captured-logger';
import { TEST_DATABASE_URL } from '../helpers/database';
import { createScratchDatabases, type ScratchDatabases } from '../helpers/scratch-databases';
import { startSubgraphNamed, subgraphConfig, SUBGRAPHS } from '../helpers/subgraph-starters';

/**
 * Replicas starting together on an empty database (a fresh deployment, or a rolling one with a
 * new migration): each takes the migration lock in turn, the first runs every migration and the
 * others find none pending. Without the lock two would both create the tables, and one would fail.
 */
const INSTANCES = 3;
const NAMES: SubgraphName[] = ['practices', 'rollout', 'records'];

(TEST_DATABASE_URL ? describe : describe.skip)('several instances of each subgraph starting at once (PostgreSQL)', () => {
  let databases: ScratchDatabases;
  const handles: SubgraphHandle[] = [];
  const { logger, lines } = capturedLogger('info');

  beforeAll(async () => {
    databases = await createScratchDatabases('migrate');
  });
  afterAll(async () => {
    await Promise.allSettled(handles.map((handle) => handle.stop()));
    await databases?.drop();
  });

  async function recorded(name: SubgraphName): Promise<{ name: string; times: number }[]> {
    const client = new Client({ connectionString: databases.urls[name] });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; times: number }>(
        'SELECT name, count(*)::int AS times FROM migrations GROUP BY name ORDER BY min(id)',
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  it('all start, every migration is recorded once and ran once', async () => {
    const starts = NAMES.flatMap((name) =>
      Array.from({ length: INSTANCES }, () =>
        startSubgraphNamed(name, subgraphConfig(name, { kind: 'postgres', url: databases.urls[name] }), { logger }),
      ),
    );
    const results = await Promise.allSettled(starts);
    for (const result of results) if (result.status === 'fulfilled') handles.push(result.value);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(handles).toHaveLength(NAMES.length * INSTANCES);

    // Every instance answers: its schema is complete.
    for (const handle of handles) {
      expect((await fetch(new URL('/readyz', handle.url))).status).toBe(200);
    }

    // Each instance logs the migrations it ran itself.
    const executed = lines
      .map((line) => JSON.parse(line) as { msg?: string; migrations?: string[] })
      .filter((entry) => entry.msg === 'migrations run')
      .flatMap((entry) => entry.migrations ?? []);
    for (const name of NAMES) {
      const known = SUBGRAPHS[name].schema.migrations.map((migration) => migration.name);
      expect(await recorded(name)).toEqual(known.map((migrationName) => ({ name: migrationName, times: 1 })));
      for (const migrationName of known) {
        expect({ migrationName, runs: executed.filter((ran) => ran === migrationName).length }).toEqual({
          migrationName,
          runs: 1,
        });
      }
    }
  }, 120_000);
});
