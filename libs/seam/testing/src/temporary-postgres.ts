import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server tests use: `SEAM_TEST_POSTGRES_URL`, or the local default of the project machine. */
export const TEST_POSTGRES_URL = process.env.SEAM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Why PostgreSQL suites cannot run here, or `undefined` when they can. Suites skip themselves
 * with this reason in their title, so a skipped suite says why.
 */
export async function postgresUnavailableReason(url = TEST_POSTGRES_URL): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL at ${new URL(url).host} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database created for one test run and dropped after it. */
export class TemporaryPostgres {
  private constructor(
    /** Connection URL of the temporary database. */
    readonly url: string,
    private readonly name: string,
    private readonly serverUrl: string,
  ) {}

  /** Creates an empty database with a random name on the server at `serverUrl`. */
  static async create(serverUrl = TEST_POSTGRES_URL): Promise<TemporaryPostgres> {
    const name = `seam_test_${randomBytes(6).toString('hex')}`;
    await admin(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return new TemporaryPostgres(url.toString(), name, serverUrl);
  }

  /** Drops the database (closing whatever is still connected to it). */
  async drop(): Promise<void> {
    await admin(this.serverUrl, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
