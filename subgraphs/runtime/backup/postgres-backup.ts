import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';

/**
 * A subgraph's PostgreSQL database dumped and restored with the server's own tools, as the schema
 * owner: `pg_dump --format=custom` keeps the tables, their data, sequences, triggers (the data
 * versions), the owner and every grant (the append-only logs are append-only by grants alone),
 * and `pg_restore` puts them back in one transaction, all or nothing.
 */
const run = promisify(execFile);

/** The URL without its password, and the password apart: a password in argv shows in `ps`. */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.href, env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** What a failed tool said, without the URL it was given (it may name the user and host, never the password). */
class ToolError extends Error {}

async function tool(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(command, args, { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new ToolError(`${command} failed: ${stderr || (error as Error).message}`);
  }
}

/** `pg_dump --format=custom` of the whole database `ownerUrl` names, into `file`. */
export async function dumpPostgres(ownerUrl: string, file: string): Promise<void> {
  const { dbname, env } = connection(ownerUrl);
  await tool('pg_dump', ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${dbname}`], env);
}

/** How many tables the database holds outside PostgreSQL's own schemas: 0 means empty. */
export async function tablesIn(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tables: number }>(
      `SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    return rows[0]?.tables ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * Restores `file` into the existing database `ownerUrl` names, as that user (the schema owner the
 * dump names, so ownership and grants come back as they were). `replace` drops the dump's objects
 * first (`--clean`); the caller refuses a non-empty database without it.
 */
export async function restorePostgres(ownerUrl: string, file: string, { replace }: { replace: boolean }): Promise<void> {
  const { dbname, env } = connection(ownerUrl);
  await tool(
    'pg_restore',
    [
      '--exit-on-error',
      '--single-transaction',
      '--no-password',
      ...(replace ? ['--clean', '--if-exists'] : []),
      `--dbname=${dbname}`,
      file,
    ],
    env,
  );
}
