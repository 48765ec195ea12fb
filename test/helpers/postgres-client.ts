import { Client } from 'pg';

/** One connection to `url` for `work`, closed after it whatever happens. */
export async function withPostgresClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The rows of one statement, on a connection of its own. */
export function postgresRows<T>(url: string, sql: string): Promise<T[]> {
  return withPostgresClient(url, async (client) => (await client.query(sql)).rows as T[]);
}
