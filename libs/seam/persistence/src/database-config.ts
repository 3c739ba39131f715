import { isAbsolute, resolve } from 'node:path';

/** Where every module's data lives in this process. */
export type DatabaseConfig =
  /** One SQLite file per module under `dataDir` (the embedded default). */
  | { kind: 'sqlite'; dataDir: string }
  /** One schema per module in one PostgreSQL database. */
  | { kind: 'postgres'; url: string }
  /** One private in-memory SQLite database per module (tests). */
  | { kind: 'memory' };

/**
 * Reads the database configuration from the environment: `DATABASE_URL` (a `postgres://` URL)
 * selects PostgreSQL; otherwise SQLite files under `DATA_DIR` (default `./data`).
 *
 * @throws Error naming the variable when a value cannot work.
 */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database)');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new Error(`DATABASE_URL must be a postgres:// URL, got ${parsed.protocol}//…`);
    }
    return { kind: 'postgres', url };
  }
  const dataDir = env.DATA_DIR?.trim() || 'data';
  return { kind: 'sqlite', dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir) };
}

/** The PostgreSQL schema of a module: its name, with `-` as `_`. */
export function schemaOf(module: string): string {
  return module.replace(/-/g, '_');
}
