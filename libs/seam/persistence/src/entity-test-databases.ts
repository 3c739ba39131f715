import { afterAll, describe } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Declares `suite` twice, given a way to open a database with `entities`' tables: on a private
 * in-memory SQLite database, and in schema `schema` of a temporary PostgreSQL database (as a module
 * uses it) — skipped, with the reason in its name, when PostgreSQL is unreachable. For the
 * int-specs of this package's TypeORM helpers, which must behave alike on both.
 */
export async function onSqliteAndPostgres(
  title: string,
  entities: Array<new () => object>,
  schema: string,
  suite: (open: () => Promise<DataSource>) => void,
): Promise<void> {
  describe(`${title} on SQLite`, () => {
    suite(() =>
      new DataSource({ type: 'better-sqlite3', database: ':memory:', entities, synchronize: true }).initialize(),
    );
  });
  const reason = await postgresUnavailableReason();
  (reason ? describe.skip : describe)(
    `${title} on PostgreSQL, in a module's schema${reason ? ` — skipped: ${reason}` : ''}`,
    () => {
      let database: TemporaryPostgres | undefined;
      afterAll(() => database?.drop());
      suite(async () => {
        database = await TemporaryPostgres.create();
        const setup = await new DataSource({ type: 'postgres', url: database.url }).initialize();
        await setup.query(`CREATE SCHEMA ${schema}`);
        await setup.destroy();
        return new DataSource({
          type: 'postgres',
          url: database.url,
          schema,
          entities,
          synchronize: true,
        }).initialize();
      });
    },
  );
}

/**
 * What `apply` answered and the rows `read` then sees, in one transaction of `dataSource` that is
 * rolled back afterwards: the same write tried two ways starts from the same table each time.
 */
export async function rolledBack<A, R>(
  dataSource: DataSource,
  apply: (manager: EntityManager) => Promise<A>,
  read: (manager: EntityManager) => Promise<R[]>,
): Promise<{ answered: A; rows: R[] }> {
  let seen: { answered: A; rows: R[] } | undefined;
  await dataSource
    .transaction(async (manager) => {
      const answered = await apply(manager);
      seen = { answered, rows: await read(manager) };
      throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return seen!;
}
