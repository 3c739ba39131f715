import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { checkedPlain, type ColumnMetadata, ParameterSlots, runWrite } from './prepared-write.js';
import { namedStatement } from './named-statements.js';

/** How a {@link PreparedInsert} treats the entity's columns. */
export interface PreparedInsertOptions {
  /**
   * Leave the entity's `increment` columns to the database (an auto-increment or identity
   * column): every row gets the next number, which the insert does not read back — the rows
   * given keep theirs unset. Off by default: `manager.insert` would read the number back.
   */
  readonly generatedByDatabase?: boolean;
}

/**
 * An `INSERT` of whole rows of a TypeORM entity whose SQL is built once per number of rows — by
 * TypeORM's own query builder, so quoting, the module's schema and the dialect stay TypeORM's —
 * and whose values are converted by the columns' own rules (`preparePersistentValue`), as
 * `manager.insert` converts them.
 *
 * Why: `manager.insert` builds and rewrites its SQL on every call and then works out what the
 * database generated, ~20 µs per call in the place flow's CPU profile, where an order inserts a
 * reservation, a payment, idempotency keys and their lines. TypeORM has no prepared inserts.
 *
 * Every row gives a value for every column (null writes NULL): no database default is relied on,
 * so there is nothing to read back. Plain entities only — the constructor refuses generated,
 * version, create- or update-date, relation, embedded and JSON columns and entity listeners, what
 * `manager.insert` would write or read back differently — except, when asked
 * (`{ generatedByDatabase: true }`), columns the database numbers itself (`increment`): they are
 * left to it and not read back. A duplicate key fails as with `manager.insert` (see
 * `isUniqueViolation`).
 */
export class PreparedInsert<T extends ObjectLiteral> {
  private readonly columns: readonly ColumnMetadata[];
  /** Built SQL and slots by number of rows. */
  private readonly compiled = new Map<number, { readonly sql: string; readonly slots: readonly number[] }>();

  constructor(
    private readonly repository: Repository<T>,
    options: PreparedInsertOptions = {},
  ) {
    const { metadata } = repository;
    const refuse = (why: string) => {
      throw new TypeError(`PreparedInsert: ${metadata.name} ${why}; use manager.insert`);
    };
    if (metadata.ownListeners.length > 0 || metadata.embeddeds.length > 0) refuse('has listeners or embedded columns');
    if (metadata.relations.length > 0) refuse('has relations');
    const numberedByDatabase = (column: ColumnMetadata) =>
      options.generatedByDatabase === true && column.isGenerated && column.generationStrategy === 'increment';
    if (
      metadata.columns.some(
        (column) =>
          (column.isGenerated && !numberedByDatabase(column)) ||
          column.isVersion ||
          column.isCreateDate ||
          column.isUpdateDate,
      )
    )
      refuse('has a generated, version, create-date or update-date column');
    // TypeORM's builder writes what the dialect needs for the columns left out (NULL, DEFAULT).
    this.columns = metadata.columns
      .filter((column) => column.isInsert && !numberedByDatabase(column))
      .map((column) => checkedPlain(column, 'PreparedInsert'));
  }

  /**
   * Inserts `rows`, in `manager`'s transaction if given; answers how many rows it inserted.
   *
   * @throws TypeError when a row lacks a value for a column; the driver's error for a duplicate key.
   */
  async run(rows: readonly Partial<T>[], manager?: EntityManager): Promise<number> {
    if (rows.length === 0) return 0;
    const { driver } = this.repository.manager.connection;
    const values = rows.flatMap((row) =>
      this.columns.map((column) => {
        const value: unknown = column.getEntityValue(row);
        if (value === undefined) throw new TypeError(`PreparedInsert: no value for "${column.propertyName}"`);
        return driver.preparePersistentValue(value, column);
      }),
    );
    let compiled = this.compiled.get(rows.length);
    if (!compiled) {
      compiled = this.compile(rows.length);
      this.compiled.set(rows.length, compiled);
    }
    return runWrite(
      this.repository,
      compiled.sql,
      compiled.slots.map((slot) => values[slot]),
      manager,
    );
  }

  private compile(count: number): { sql: string; slots: number[] } {
    // Slots: row by row, column by column.
    const parameters = new ParameterSlots();
    const valueSets = Array.from({ length: count }, (_, row) => {
      const set: Record<string, () => string> = {};
      this.columns.forEach((column, index) => {
        const slot = row * this.columns.length + index;
        const placeholder = parameters.placeholder(`v${slot}`, slot);
        set[column.propertyPath] = () => placeholder;
      });
      return set;
    });
    const [sql, built] = this.repository
      .createQueryBuilder()
      .insert()
      .values(valueSets as never)
      .setParameters(parameters.named)
      .getQueryAndParameters();
    return {
      sql: namedStatement(this.repository.manager.connection, sql),
      slots: parameters.slotsOf(built, this.repository.metadata.name),
    };
  }
}
