import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { SubgraphName } from '../../platform/config';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';

/**
 * A subgraph's own PostgreSQL user for the grants tests, as docker-compose.yml makes it: a login
 * role (docker/postgres/service-roles.sh) in a throwaway schema standing for the subgraph's
 * database, the checked-in grants file applied by the owner with the role's name put in, and
 * connections as either. The owner is TEST_DATABASE_URL's user.
 */
export function serviceUser(name: SubgraphName, ownerUrl: string) {
  const suffix = randomBytes(5).toString('hex');
  const role = `${name}_service_${suffix}`;
  const schema = `t_${name}_grants_${suffix}`;
  const password = randomBytes(16).toString('hex');
  // Built when first used: a suite skipped without PostgreSQL still calls this with no URL.
  const serviceUrl = () => {
    const url = new URL(ownerUrl);
    url.username = role;
    url.password = password;
    return url.href;
  };

  /** Runs `work` with a connection, as `connectionString`'s user, whose search_path is the schema. */
  async function connected<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  const asOwner = <T>(work: (client: Client) => Promise<T>) => connected(ownerUrl, work);
  const asService = <T>(work: (client: Client) => Promise<T>) => connected(serviceUrl(), work);

  return {
    role,
    schema,
    asOwner,
    asService,
    /** What the subgraph is given: serve as the role, migrate (and seed) as the owner. */
    database: (): DatabaseConfig => ({ kind: 'postgres', url: serviceUrl(), schema, migrationUrl: ownerUrl }),
    /** The role's URL alone, the schema first in its search_path (no migration URL). */
    aloneUrl: () => {
      const alone = new URL(serviceUrl());
      alone.searchParams.set('options', `-c search_path=${schema}`);
      return alone.href;
    },
    /**
     * As the init script does: a login role, granted nothing; with `readsAtStart`, it may read by
     * default the tables the owner makes (practices and rollout). The schema is made here to hold
     * that default; USAGE on it stands for what PUBLIC has on compose's public schema.
     */
    create: ({ readsAtStart }: { readsAtStart: boolean }) =>
      asOwner(async (client) => {
        await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
        if (readsAtStart) await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${role}`);
      }),
    /** As the one-shot <name>-grants service does, once the subgraph has migrated. */
    grant: () => {
      const file = readFileSync(join(__dirname, '..', '..', 'docker', 'postgres', `${name}-grants.sql`), 'utf8');
      return asOwner((client) => client.query(file.replace(new RegExp(`\\b${name}_service\\b`, 'g'), role)));
    },
    drop: () =>
      asOwner(async (client) => {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.query(`DROP ROLE IF EXISTS ${role}`);
      }),
    /** Every table and sequence in the schema, with what the role may do on it (none: []). */
    privileges: () =>
      asOwner(async (client) => {
        const { rows } = await client.query<{ name: string; privileges: string[] }>(
          `SELECT c.relname AS name,
                  COALESCE(array_agg(a.privilege_type ORDER BY a.privilege_type)
                    FILTER (WHERE a.grantee = $2::regrole), '{}') AS privileges
             FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN LATERAL aclexplode(c.relacl) a ON true
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'S')
            GROUP BY c.relname`,
          [schema, role],
        );
        return Object.fromEntries(rows.map((row) => [row.name, row.privileges]));
      }),
    /** Rights the role holds on single columns, as "table.column: PRIVILEGE". */
    columnPrivileges: () =>
      asOwner(async (client) => {
        const { rows } = await client.query<{ grant: string }>(
          `SELECT c.relname || '.' || t.attname || ': ' || a.privilege_type AS grant
             FROM pg_attribute t
             JOIN pg_class c ON c.oid = t.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             CROSS JOIN LATERAL aclexplode(t.attacl) a
            WHERE n.nspname = $1 AND a.grantee = $2::regrole
            ORDER BY 1`,
          [schema, role],
        );
        return rows.map((row) => row.grant);
      }),
    /** Whether the role may create objects in the schema (DDL). */
    mayCreateInSchema: () =>
      asOwner(async (client) => {
        const { rows } = await client.query<{ create: boolean }>(`SELECT has_schema_privilege($1, $2, 'CREATE') AS create`, [
          role,
          schema,
        ]);
        return rows[0]!.create;
      }),
    /** Whether every table in the schema belongs to the owner. */
    ownedByOwner: () =>
      asOwner(async (client) => {
        const { rows } = await client.query<{ owner: string; me: string }>(
          `SELECT DISTINCT tableowner AS owner, current_user AS me FROM pg_tables WHERE schemaname = $1`,
          [schema],
        );
        return rows.length > 0 && rows.every((row) => row.owner === row.me);
      }),
  };
}

export type ServiceUser = ReturnType<typeof serviceUser>;
