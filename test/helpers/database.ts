import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';
import { openDatabase, type Database, type DatabaseOptions } from '../../subgraphs/runtime/database';

/** The one suite runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const databaseKind = TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** A fresh, empty database: a temporary SQLite file, or a throwaway PostgreSQL schema. */
export async function createTestDatabase(name: string): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const schema = `t_${name}_${randomBytes(5).toString('hex')}`;
    return {
      config: { kind: 'postgres', url: TEST_DATABASE_URL, schema },
      drop: async () => {
        const client = new Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `cas-${name}-`));
  return {
    config: { kind: 'sqlite', path: join(dir, `${name}.sqlite`) },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A test database opened as a service opens it, with its config; `drop()` closes it and drops it. */
export type FreshDatabase = Database & { config: DatabaseConfig; drop(): Promise<void> };

/** A fresh test database, brought up to date with the given migrations. */
export async function openFreshDatabase(
  name: string,
  schema: Pick<DatabaseOptions, 'entities' | 'migrations'>,
): Promise<FreshDatabase> {
  const database = await createTestDatabase(name);
  try {
    const opened = await openDatabase(database.config, { entities: schema.entities, migrations: schema.migrations });
    return {
      ...opened,
      config: database.config,
      drop: async () => {
        await opened.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
