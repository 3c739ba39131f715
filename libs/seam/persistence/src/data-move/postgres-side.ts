import type { PoolClient } from 'pg';
import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../data-source-options.js';
import type { ModuleData } from '../module-data.js';
import { DataMoveError } from './data-move.error.js';
import { type DataLocation, describeDataLocation } from './data-location.js';
import { quoteIdentifier, type RowBatch, type SqlSide, type TableShape } from './sql-side.js';

type PostgresLocation = Extract<DataLocation, { kind: 'postgres' }>;

/** Types read as pg parses them; every other type is read as its text form, which is exact. */
const NATIVE_TYPES = new Set([
  'smallint',
  'integer',
  'real',
  'double precision',
  'text',
  'character varying',
  'character',
  'boolean',
  'bytea',
]);
/** PostgreSQL accepts at most 65535 parameters in one statement. */
const MAX_PARAMETERS = 65_535;
/** How long to wait for a server that does not answer, rather than hang. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Per-table details only PostgreSQL needs. */
interface PostgresTable {
  readonly textColumns: ReadonlySet<string>;
  readonly serialColumns: readonly string[];
  readonly identityAlways: boolean;
}

/**
 * Opens a module's schema in a PostgreSQL database for a move, with the module's own entities
 * and migrations (the layout `dataSourceOptions()` gives the monolith). Opening writes nothing:
 * the target's schema is created inside the move's transaction.
 */
export async function openPostgresSide(location: PostgresLocation, data: ModuleData): Promise<SqlSide> {
  const base = dataSourceOptions(data, { kind: 'postgres', url: location.url }) as Extract<
    DataSourceOptions,
    { type: 'postgres' }
  >;
  const options: DataSourceOptions = {
    ...base,
    migrationsRun: false,
    applicationName: 'seam data:move',
    extra: { ...base.extra, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
  };
  const dataSource = new DataSource(options);
  try {
    await dataSource.initialize();
    const queryRunner = dataSource.createQueryRunner();
    const client = (await queryRunner.connect()) as PoolClient;
    const { rows } = await client.query<[string, string | null, string]>({
      text: 'SELECT current_database(), inet_server_port()::text, pg_postmaster_start_time()::text',
      rowMode: 'array',
    });
    // A server's start time tells two servers apart however they are addressed.
    const identity = `postgres:${rows[0].join(':')}:${location.schema}`;
    return new PostgresSide(location, dataSource, queryRunner, client, identity);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    throw new DataMoveError(
      'failed',
      `cannot open ${describeDataLocation(location)}: ${(error as Error).message || String(error)}`,
    );
  }
}

class PostgresSide implements SqlSide {
  private readonly tables = new Map<string, PostgresTable>();

  constructor(
    readonly location: PostgresLocation,
    readonly dataSource: DataSource,
    readonly queryRunner: QueryRunner,
    private readonly client: PoolClient,
    readonly identity: string,
  ) {}

  async storageExists(): Promise<boolean> {
    return (
      (await this.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [this.location.schema]))
        .length > 0
    );
  }

  qualified(table: string): string {
    return `${quoteIdentifier(this.location.schema)}.${quoteIdentifier(table)}`;
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  async query(sql: string, parameters: readonly unknown[] = []): Promise<unknown[][]> {
    const result = await this.client.query<unknown[]>({
      text: sql,
      values: parameters.map(toPostgresValue),
      rowMode: 'array',
    });
    return result.rows ?? [];
  }

  async tableNames(): Promise<string[]> {
    const rows = await this.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
      [this.location.schema],
    );
    return rows.map(([name]) => String(name));
  }

  async describe(table: string): Promise<TableShape> {
    const schema = this.location.schema;
    const columns = await this.query(
      `SELECT column_name, data_type, is_identity = 'YES' AND identity_generation = 'ALWAYS', pg_get_serial_sequence(format('%I.%I', $1::text, $2::text), column_name) IS NOT NULL
         FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND is_generated <> 'ALWAYS' ORDER BY ordinal_position`,
      [schema, table],
    );
    const primaryKey = await this.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [schema, table],
    );
    const references = await this.query(
      `SELECT DISTINCT r.relname FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
        WHERE c.conrelid = format('%I.%I', $1::text, $2::text)::regclass AND c.contype = 'f'`,
      [schema, table],
    );
    this.tables.set(table, {
      textColumns: new Set(columns.filter(([, type]) => !NATIVE_TYPES.has(String(type))).map(([name]) => String(name))),
      serialColumns: columns.filter(([, , , serial]) => serial === true).map(([name]) => String(name)),
      identityAlways: columns.some(([, , always]) => always === true),
    });
    return {
      name: table,
      columns: columns.map(([name]) => String(name)),
      primaryKey: primaryKey.map(([name]) => String(name)),
      references: references.map(([name]) => String(name)),
    };
  }

  async count(table: string): Promise<number> {
    const [[count]] = await this.query(`SELECT COUNT(*)::text FROM ${this.qualified(table)}`);
    return Number(count);
  }

  async readBatch(shape: TableShape, after: readonly unknown[] | undefined, limit: number): Promise<RowBatch> {
    const details = this.details(shape.name);
    const column = (name: string) => `t.${quoteIdentifier(name)}${details.textColumns.has(name) ? '::text' : ''}`;
    // Keyset paging on the primary key, else on ctid, which is stable inside the snapshot.
    const byKey = shape.primaryKey.length > 0;
    const keys = byKey ? shape.primaryKey.map((name) => `t.${quoteIdentifier(name)}`) : ['t.ctid'];
    const select = [...shape.columns.map(column), ...(byKey ? [] : ['t.ctid::text'])].join(', ');
    const bound = after ? after.map((_, index) => (byKey ? `$${index + 1}` : `$${index + 1}::tid`)) : [];
    const where = after ? ` WHERE (${keys.join(', ')}) > (${bound.join(', ')})` : '';
    const parameters = [...(after ?? []), limit];
    const sql = `SELECT ${select} FROM ${this.qualified(shape.name)} AS t${where} ORDER BY ${keys.join(', ')} LIMIT $${parameters.length}`;
    const rows = await this.query(sql, parameters);
    const last = rows.at(-1);
    if (!last) return { rows, after };
    if (!byKey)
      return { rows: rows.map((row) => row.slice(0, shape.columns.length)), after: last.slice(shape.columns.length) };
    return { rows, after: shape.primaryKey.map((key) => last[shape.columns.indexOf(key)]) };
  }

  async insertRows(shape: TableShape, rows: readonly unknown[][]): Promise<void> {
    const columns = shape.columns.map(quoteIdentifier).join(', ');
    const overriding = this.details(shape.name).identityAlways ? ' OVERRIDING SYSTEM VALUE' : '';
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, shape.columns.length)));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const values = chunk.map(
        (_, row) => `(${shape.columns.map((__, index) => `$${row * shape.columns.length + index + 1}`).join(', ')})`,
      );
      await this.query(
        `INSERT INTO ${this.qualified(shape.name)} (${columns})${overriding} VALUES ${values.join(', ')}`,
        chunk.flat(),
      );
    }
  }

  async deleteAll(table: string): Promise<number> {
    const result = await this.client.query(`DELETE FROM ${this.qualified(table)}`);
    return result.rowCount ?? 0;
  }

  async beginSnapshot(): Promise<void> {
    await this.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  }

  async beginExclusive(): Promise<void> {
    await this.query('BEGIN');
    // Two moves into one schema queue here; the second then finds the first one's marker.
    await this.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`seam.data-move:${this.location.schema}`]);
    // Only when missing: a module's own role owns its schema but may not create one.
    if (!(await this.storageExists()))
      await this.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.location.schema)}`);
  }

  async lockTables(tables: readonly string[]): Promise<void> {
    // EXCLUSIVE: readers may go on, writers (a running app) wait until the move commits.
    if (tables.length > 0)
      await this.query(`LOCK TABLE ${tables.map((table) => this.qualified(table)).join(', ')} IN EXCLUSIVE MODE`);
  }

  async afterCopy(shape: TableShape): Promise<void> {
    for (const column of this.details(shape.name).serialColumns) {
      await this.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quoteIdentifier(column)}) FROM ${this.qualified(shape.name)}), 0) + 1, false)`,
        [this.qualified(shape.name), column],
      );
    }
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.query('ROLLBACK');
  }

  async close(): Promise<void> {
    await this.queryRunner.release();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private details(table: string): PostgresTable {
    const details = this.tables.get(table);
    if (!details) throw new Error(`table ${table} was not described before use`);
    return details;
  }
}

/** pg would bind a bigint with toString() too; spelled out because the exactness matters here. */
function toPostgresValue(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
