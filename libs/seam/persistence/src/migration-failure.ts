import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A migration whose `up` failed: its message names the migration and then gives the driver's
 * (`migration AddFoo1790000000000 failed: duplicate key value violates …`), so that the one line a
 * failed start prints says which migration to look at. `cause` keeps the driver's error; `code` is
 * its code (`23505`, `SQLITE_CONSTRAINT_UNIQUE`…), when it gave one.
 */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  /** The driver's code, as on `cause`. */
  readonly code: string | undefined;
  constructor(
    /** The migration's name, as TypeORM records it in the migrations table. */
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    const { code } = (cause ?? {}) as { code?: unknown };
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** The migration each failing `up`'s error came from, for {@link migrationFailure}. */
const failedIn = new WeakMap<object, string>();
/** Instances already watched: a DataSource migrated twice wraps its migrations once. */
const watched = new WeakSet<MigrationInterface>();

/**
 * Makes each migration of `dataSource` remember its name on the error its `up` throws, for
 * {@link migrationFailure}. TypeORM rethrows the driver's error as it is and names the migration
 * only in a log line; its executor runs every migration in one method, so the name is taken where
 * each runs: on the instances this DataSource built for itself. The error itself is left as it is,
 * so that TypeORM's own line stays "Migration "X" failed, error: <the driver's message>".
 */
export function nameFailingMigrations(dataSource: DataSource): void {
  for (const migration of dataSource.migrations) {
    if (watched.has(migration)) continue;
    watched.add(migration);
    // TypeORM's own name for it (see MigrationExecutor.getMigrations).
    const name = migration.name ?? migration.constructor.name;
    const up = migration.up.bind(migration);
    migration.up = async (runner: QueryRunner) => {
      try {
        return await up(runner);
      } catch (error) {
        if (typeof error !== 'object' || error === null) throw new MigrationFailedError(name, error);
        if (!failedIn.has(error)) failedIn.set(error, name);
        throw error;
      }
    };
  }
}

/**
 * `error` as a {@link MigrationFailedError} when a migration watched by
 * {@link nameFailingMigrations} threw it; any other error as it is.
 */
export function migrationFailure(error: unknown): unknown {
  const migration = typeof error === 'object' && error !== null ? failedIn.get(error) : undefined;
  return migration === undefined ? error : new MigrationFailedError(migration, error);
}
