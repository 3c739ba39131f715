import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { type DatabaseConfig, moduleDatabaseUrl, schemaOf } from '../database-config.js';
import { DataMoveError } from './data-move.error.js';

/** Where one module's data lives, for a data move. */
export type DataLocation =
  /** The module's SQLite file. */
  | { kind: 'sqlite'; file: string }
  /** The module's schema in a PostgreSQL database (the layout `dataSourceOptions()` uses). */
  | { kind: 'postgres'; url: string; schema: string };

/** A path with one of these extensions names a SQLite file even when it does not exist yet. */
const SQLITE_EXTENSIONS = new Set(['.sqlite', '.sqlite3', '.db']);

/**
 * Reads a location given on a command line for `module`'s data:
 * - `postgres://…` / `postgresql://…`: the module's schema in that database (a database name is required);
 *   any other `scheme:` prefix, with or without `//`, is refused rather than read as a path;
 * - an existing directory, or a path without a SQLite extension: `<dir>/<module>.sqlite`;
 * - an existing file, or a path ending in `.sqlite`, `.sqlite3` or `.db`: that file.
 *
 * Synchronous; touches nothing but `stat`.
 * @param label how the message names the value (`--to`), for the error.
 * @throws DataMoveError `usage` for an empty value, another URL scheme, `postgres:` without `//`
 *   or a malformed URL.
 */
export function parseDataLocation(text: string, module: string, label = 'location'): DataLocation {
  const value = text.trim();
  if (!value)
    throw new DataMoveError(
      'usage',
      `${label} is empty (expected postgres://host:5432/database or a SQLite directory or file)`,
    );
  // Any `scheme:` is taken for a URL, `//` or not: `postgres:/host/db` is a typo, not a directory to create.
  const [prefix, written] = /^([a-z][a-z0-9+.-]*):(?:\/\/)?/i.exec(value) ?? [];
  const scheme = written?.toLowerCase();
  if (scheme === undefined) return { kind: 'sqlite', file: sqliteFile(value, module) };
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new DataMoveError(
      'usage',
      `${label}: unsupported URL scheme ${prefix} (expected postgres://… or a SQLite directory or file; write a path that starts with "${written}:" as ./${written}:…)`,
    );
  }
  if (!prefix!.endsWith('//')) {
    throw new DataMoveError(
      'usage',
      `${label}: ${scheme}: must be followed by // (postgres://user:password@host:5432/database); write a SQLite path that starts with "${written}:" as ./${written}:…`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DataMoveError(
      'usage',
      `${label} is not a valid URL (expected postgres://user:password@host:5432/database)`,
    );
  }
  if (!url.hostname || url.pathname.length <= 1) {
    throw new DataMoveError(
      'usage',
      `${label} must name a host and a database: postgres://user:password@host:5432/database, got ${redactUrl(value)}`,
    );
  }
  return { kind: 'postgres', url: value, schema: schemaOf(module) };
}

/**
 * The location the monolith itself uses for `module` under `config` (`databaseConfigFromEnv()`):
 * on PostgreSQL the module's own URL (`DATABASE_URL_<MODULE>`) when set, else the shared one.
 *
 * @throws DataMoveError `usage` for an in-memory config, or a PostgreSQL one without the module's URL.
 */
export function dataLocationFromConfig(config: DatabaseConfig, module: string): DataLocation {
  if (config.kind === 'postgres') {
    try {
      return { kind: 'postgres', url: moduleDatabaseUrl(config, module), schema: schemaOf(module) };
    } catch (error) {
      throw new DataMoveError('usage', (error as Error).message);
    }
  }
  if (config.kind === 'sqlite') return { kind: 'sqlite', file: join(config.dataDir, `${module}.sqlite`) };
  throw new DataMoveError('usage', 'an in-memory database cannot be moved: it lives only as long as its process');
}

/**
 * Describes a location for people, without credentials: `SQLite file data/payments.sqlite`
 * (relative to the working directory when inside it) or `PostgreSQL 127.0.0.1:5432/shop schema payments`.
 */
export function describeDataLocation(location: DataLocation): string {
  if (location.kind === 'sqlite') {
    const file = resolve(location.file);
    const inside = relative(process.cwd(), file);
    return `SQLite file ${inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file}`;
  }
  const { host, database } = postgresAddress(location.url);
  return `PostgreSQL ${host}/${database} schema ${location.schema}`;
}

/**
 * Whether two locations name the same data as written (same SQLite file after resolving links,
 * or same host, port, database and schema). Two spellings of one server (`localhost` and
 * `127.0.0.1`) are told apart here; the move compares the servers themselves once connected.
 */
export function sameDataLocation(a: DataLocation, b: DataLocation): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') return canonicalFile(a.file) === canonicalFile(b.file);
  if (a.kind === 'postgres' && b.kind === 'postgres') {
    const [left, right] = [postgresAddress(a.url), postgresAddress(b.url)];
    return left.host === right.host && left.database === right.database && a.schema === b.schema;
  }
  return false;
}

/**
 * A URL with its password replaced by `***` (for messages), as written, parsable or not: the
 * password runs to the *last* `@`, since one written unencoded may hold `/` or `@` itself (a `@`
 * later in the query only masks more than needed).
 */
export function redactUrl(url: string): string {
  const userColon = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:/i.exec(url)?.[0];
  const at = url.lastIndexOf('@');
  return userColon && at >= userColon.length ? `${userColon}***${url.slice(at)}` : url;
}

/**
 * `text` with every password of `locations`, and any `scheme://user:password@` in it, masked:
 * driver messages are passed on to people, and some quote what they were given.
 */
export function scrubSecrets(text: string, locations: readonly DataLocation[]): string {
  // Up to the last `@` of the word: a password may hold `/` or `@` (see redactUrl).
  let scrubbed = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, '$1:***@');
  for (const location of locations) {
    if (location.kind !== 'postgres') continue;
    const password = safeUrl(location.url)?.password;
    if (!password) continue;
    for (const secret of new Set([password, safeDecode(password)])) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}

/** `dev:inode` of an existing SQLite file, to recognise one file under two names; undefined if absent. */
export function sqliteFileIdentity(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const { dev, ino } = statSync(file);
  return `${dev}:${ino}`;
}

function sqliteFile(path: string, module: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return statSync(absolute).isDirectory() ? join(absolute, `${module}.sqlite`) : absolute;
  return SQLITE_EXTENSIONS.has(extname(absolute).toLowerCase()) ? absolute : join(absolute, `${module}.sqlite`);
}

function canonicalFile(file: string): string {
  const absolute = resolve(file);
  if (existsSync(absolute)) return realpathSync(absolute);
  const directory = dirname(absolute);
  return join(existsSync(directory) ? realpathSync(directory) : directory, basename(absolute));
}

function postgresAddress(url: string): { host: string; database: string } {
  const parsed = safeUrl(url);
  if (!parsed) return { host: '?', database: '?' };
  return {
    host: `${parsed.hostname.toLowerCase()}:${parsed.port || 5432}`,
    database: safeDecode(parsed.pathname.slice(1)),
  };
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
