import { namedStatement } from '@seam/persistence';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The few dialect differences the messaging SQL needs: parameter placeholders and qualified
 * table names (a PostgreSQL DataSource works in its module's schema, which raw SQL must name).
 * Raw SQL rather than TypeORM's query builder: claiming rows needs `FOR UPDATE SKIP LOCKED` and
 * `UPDATE … RETURNING`, which the builder does not express for both databases.
 */
export class Sql {
  readonly postgres: boolean;
  private readonly schema?: string;

  /**
   * Each text in the dialect, worked out once: an event's outbox insert and the relay's and
   * inbox's statements run for every event, and rewriting them each time took ~1% of an order's CPU.
   */
  private readonly dialects = new Map<string, Dialect>();

  constructor(readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
    this.schema = this.postgres ? (dataSource.options as { schema?: string }).schema : undefined;
  }

  /**
   * The SQL of "now" (ms since the epoch) read from parameter `marker`, whose value is
   * {@link clockValue}: on PostgreSQL the database's clock when the parameter is null. Leases and
   * retry times shared by replicas are taken on it, the one clock every replica shares: replicas
   * whose clocks disagree by more than a lease would otherwise take over each other's live claims.
   * SQLite's replicas share a host, and so a clock.
   */
  clock(marker: string): string {
    return this.postgres ? `COALESCE(CAST(${marker} AS bigint), ${DATABASE_MS})` : marker;
  }

  /** The value of a {@link clock} parameter: `now` if given, else null on PostgreSQL (its clock) or this process's clock. */
  clockValue(now?: number): number | null {
    return now ?? (this.postgres ? null : Date.now());
  }

  /** A table name, schema-qualified and quoted. */
  table(name: string): string {
    return this.schema ? `"${this.schema}"."${name}"` : `"${name}"`;
  }

  /** Whether the database has an index of that name, in the module's schema on PostgreSQL. */
  async hasIndex(name: string): Promise<boolean> {
    const found = this.postgres
      ? this.schema
        ? await this.rows(`SELECT 1 FROM pg_indexes WHERE schemaname = :1 AND indexname = :2`, [this.schema, name])
        : await this.rows(`SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :1`, [name])
      : await this.rows(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :1`, [name]);
    return found.length > 0;
  }

  /**
   * Runs `text`, whose parameters are written `:1`, `:2`…, and answers the rows it returned
   * (write statements return rows only with `RETURNING`). Runs in `manager`'s transaction when
   * it has one. On PostgreSQL the text is a named statement (`namedStatement`): the messaging
   * statements are a fixed set, their lists' lengths bounded by the batch and group sizes.
   */
  async rows<T = Record<string, unknown>>(text: string, values: unknown[], manager?: EntityManager): Promise<T[]> {
    const { sql, order } = this.dialectOf(text);
    const runner = manager?.queryRunner ?? this.dataSource.createQueryRunner();
    try {
      const result = this.postgres
        ? await runner.query(namedStatement(this.dataSource, sql), values, true)
        : await runner.query(
            sql,
            order.map((index) => values[index]),
            true,
          );
      return (result.records ?? []) as T[];
    } finally {
      if (runner !== manager?.queryRunner) await runner.release();
    }
  }

  private dialectOf(text: string): Dialect {
    let dialect = this.dialects.get(text);
    if (!dialect) {
      // SQLite's `?` is positional: values are repeated in the order their markers appear.
      const order: number[] = [];
      const sql = text.replace(/:(\d+)/g, (_, index: string) => {
        order.push(Number(index) - 1);
        return this.postgres ? `$${index}` : '?';
      });
      dialect = { sql, order };
      // The messaging texts are a fixed set; a bound keeps a caller building unbounded ones from growing this.
      if (this.dialects.size < MAX_DIALECTS) this.dialects.set(text, dialect);
    }
    return dialect;
  }
}

/** A text with its markers written in the database's syntax, and which value each `?` takes (SQLite). */
interface Dialect {
  readonly sql: string;
  readonly order: readonly number[];
}

/** PostgreSQL's clock at the statement's start, in ms since the epoch (as `Date.now()` reads it). */
const DATABASE_MS = `(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::bigint`;

/** More texts than the messaging statements make, batch and group sizes included. */
const MAX_DIALECTS = 2_000;
