/** Rows of one table. */
export interface TableRows {
  readonly table: string;
  readonly rows: number;
}

/** One table of a move: rows read from the source and rows in the target after the copy. */
export interface TableMoveCount {
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
}

/** A move recorded in a target's `seam_data_moves` table. */
export interface RecordedMove {
  /** The source, as described then (no credentials). */
  readonly source: string;
  /** ISO-8601 UTC. */
  readonly movedAt: string;
}

/** What a successful move did. Every count in `tables` was verified equal before the commit. */
export interface DataMoveReport {
  readonly module: string;
  /** The source and target, described without credentials. */
  readonly from: string;
  readonly to: string;
  /** Every table copied, in copy order (referenced tables first). */
  readonly tables: readonly TableMoveCount[];
  /** Migrations the target ran before the copy (none when it was already up to date). */
  readonly migrationsRun: readonly string[];
  /** With `force`: the rows deleted from the target first (tables that had some). */
  readonly deleted: readonly TableRows[];
  /** With `force`: moves the target had already received. */
  readonly previousMoves: readonly RecordedMove[];
  /** ISO-8601 UTC, as recorded in the target's marker. */
  readonly movedAt: string;
}

const rowsOf = (count: number) => `${count} ${count === 1 ? 'row' : 'rows'}`;

/** `payment: 12 rows, idempotency_key: 1 row`. */
export function describeTableRows(tables: readonly TableRows[]): string {
  return tables.map(({ table, rows }) => `${table}: ${rowsOf(rows)}`).join(', ');
}

/**
 * The lines to print after a move: what `force` replaced (if anything), the migrations the target
 * ran, a table of counts, and the one-line summary, last.
 */
export function formatDataMoveReport(report: DataMoveReport): string[] {
  const lines: string[] = [];
  for (const move of report.previousMoves)
    lines.push(`${report.module}: replaced the data of an earlier move (from ${move.source} at ${move.movedAt})`);
  if (report.deleted.length > 0) lines.push(`${report.module}: deleted first: ${describeTableRows(report.deleted)}`);
  if (report.migrationsRun.length > 0)
    lines.push(`${report.module}: target migrated: ${report.migrationsRun.join(', ')}`);
  const header = ['table', 'source rows', 'target rows'];
  const body = report.tables.map(({ table, sourceRows, targetRows }) => [
    table,
    String(sourceRows),
    String(targetRows),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => row[column].length)));
  for (const row of [header, ...body])
    lines.push(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('  ')
        .trimEnd(),
    );
  const moved = report.tables.map(({ table, targetRows }) => ({ table, rows: targetRows }));
  const tables = `${report.tables.length} ${report.tables.length === 1 ? 'table' : 'tables'}`;
  lines.push(
    `${report.module}: moved ${tables} (${describeTableRows(moved)}) from ${report.from} to ${report.to}; counts verified`,
  );
  return lines;
}
