import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { namedStatement } from './named-statements.js';

type ColumnMetadata = Repository<ObjectLiteral>['metadata']['columns'][number];

/** How a {@link PreparedRead} filters and orders: equality on each `where` column (or `IN` for an array value). */
export interface PreparedReadShape<T, K extends keyof T & string = keyof T & string> {
  /** The columns compared, by property name; each call gives their values in this order. */
  readonly where: ReadonlyArray<keyof T & string>;
  /**
   * The columns read, by property name (default every column, as `findBy` reads): a read that needs
   * a few columns leaves the others — a password hash, say — in the database.
   */
  readonly select?: readonly K[];
  /** Sort order, by property name. */
  readonly orderBy?: ReadonlyArray<readonly [keyof T & string, 'ASC' | 'DESC']>;
  /** At most this many rows. */
  readonly limit?: number;
}

/** The SQL of one shape of call (a list value's length changes the SQL), and where its values go. */
interface Compiled {
  readonly sql: string;
  /** For each parameter of `sql`, in order: which value of the call and, for a list, which item. */
  readonly slots: ReadonlyArray<readonly [value: number, item: number]>;
}

/**
 * A read of a TypeORM entity by equality on fixed columns whose SQL is built once — by TypeORM's
 * own query builder, so quoting, the module's schema and the dialect stay TypeORM's — and whose
 * rows are turned into entities by the columns' own hydration (`prepareHydratedValue`).
 *
 * Why: `findBy` builds and rewrites its SQL on every call (property names replaced by regular
 * expressions, aliases escaped, the select list rebuilt), which the CPU profiles of the shop's
 * read put at about a fifth of a request's CPU, for three lookups by key. TypeORM has no prepared
 * finds; this keeps its SQL and its value conversion and drops the per-call building.
 *
 * For plain entities only: columns, no relations (eager or not), no entity listeners — the
 * constructor refuses an entity that has any, rather than read it differently from `findBy`.
 */
export class PreparedRead<T extends ObjectLiteral, K extends keyof T & string = keyof T & string> {
  private readonly columns: readonly ColumnMetadata[];
  /** Each column's alias in the SQL (`c0`, `c1`…), made once: built per row, they were a string lookup each. */
  private readonly aliases: readonly string[];
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    private readonly repository: Repository<T>,
    private readonly shape: PreparedReadShape<T, K>,
  ) {
    const { metadata } = repository;
    if (metadata.relations.length > 0 || metadata.ownListeners.length > 0 || metadata.embeddeds.length > 0)
      throw new TypeError(`PreparedRead: ${metadata.name} has relations, embedded columns or listeners; use findBy`);
    for (const property of [...shape.where, ...(shape.select ?? []), ...(shape.orderBy ?? []).map(([name]) => name)])
      if (!metadata.findColumnWithPropertyName(property))
        throw new TypeError(`PreparedRead: ${metadata.name} has no column "${property}"`);
    // What findBy selects (every selectable column), or the columns asked for.
    const selected = shape.select && new Set<string>(shape.select);
    this.columns = metadata.columns.filter(
      (column) => column.isSelect && !column.isVirtualProperty && (!selected || selected.has(column.propertyName)),
    );
    this.aliases = this.columns.map((_, index) => `c${index}`);
  }

  /** The entities matching `values` (one per `where` column, an array for `IN`). */
  async all(values: readonly unknown[], manager?: EntityManager): Promise<Array<Pick<T, K>>> {
    if (values.length !== this.shape.where.length)
      throw new TypeError(`PreparedRead: ${this.shape.where.length} values expected, got ${values.length}`);
    // `IN ()` is not SQL: an empty list matches nothing.
    if (values.some((value) => Array.isArray(value) && value.length === 0)) return [];
    const { sql, slots } = this.compile(values);
    const parameters = slots.map(([value, item]) => {
      const given = values[value];
      return item < 0 ? given : (given as readonly unknown[])[item];
    });
    const rows = (await (manager ?? this.repository.manager).query(sql, parameters)) as Array<Record<string, unknown>>;
    return rows.map((row) => this.hydrate(row));
  }

  /** The first entity matching `values`, if any. */
  async first(values: readonly unknown[], manager?: EntityManager): Promise<Pick<T, K> | undefined> {
    return (await this.all(values, manager))[0];
  }

  private compile(values: readonly unknown[]): Compiled {
    const key = values.map((value) => (Array.isArray(value) ? value.length : '=')).join(',');
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = this.build(values);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  private build(values: readonly unknown[]): Compiled {
    const builder = this.repository.createQueryBuilder('row').select([]);
    this.columns.forEach((column, index) => builder.addSelect(`row.${column.propertyPath}`, this.aliases[index]));
    // Each value is a marker first, so that its place among the built query's parameters is known.
    const markers = new Map<string, readonly [number, number]>();
    const marker = (value: number, item: number) => {
      const text = `\u0000seam-prepared-read:${value}:${item}`;
      markers.set(text, [value, item]);
      return text;
    };
    this.shape.where.forEach((property, index) => {
      const given = values[index];
      const condition = Array.isArray(given)
        ? [`row.${property} IN (:...p${index})`, { [`p${index}`]: given.map((_, item) => marker(index, item)) }]
        : [`row.${property} = :p${index}`, { [`p${index}`]: marker(index, -1) }];
      builder.andWhere(condition[0] as string, condition[1] as Record<string, unknown>);
    });
    for (const [property, direction] of this.shape.orderBy ?? []) builder.addOrderBy(`row.${property}`, direction);
    if (this.shape.limit !== undefined) builder.limit(this.shape.limit);
    const [sql, parameters] = builder.getQueryAndParameters();
    const slots = parameters.map((parameter) => {
      const slot = typeof parameter === 'string' ? markers.get(parameter) : undefined;
      if (!slot)
        throw new Error(`PreparedRead: the query of ${this.repository.metadata.name} has a parameter it did not set`);
      return slot;
    });
    return { sql: namedStatement(this.repository.manager.connection, sql), slots };
  }

  private hydrate(row: Record<string, unknown>): Pick<T, K> {
    const entity = this.repository.metadata.create(undefined, { fromDeserializer: true }) as T;
    const { driver } = this.repository.manager.connection;
    this.columns.forEach((column, index) => {
      const value = row[this.aliases[index]!];
      if (value !== undefined) column.setEntityValue(entity, driver.prepareHydratedValue(value, column));
    });
    return entity;
  }
}
