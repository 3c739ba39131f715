import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

/** Median of the runs of one row and mode. */
export interface RowFigures {
  id: string;
  label: string;
  sequential: number[];
  concurrent: number[];
  skipped?: string;
}

/** One line describing the machine, for the report. */
export function describeMachine(): string {
  const cpu = cpus();
  const memory = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, ${memory} GiB RAM, Linux ${release()}, Node ${process.version}`;
}

export function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The lowest and highest of `values` (a cell's rounds, say: the spread around their median). */
export function extent(values: readonly number[]): readonly [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** The results as a Markdown table (ops/s, medians). */
export function markdownTable(rows: RowFigures[], runs: number): string {
  const lines = [`| Row | Sequential (calls/s) | 100 in flight (calls/s) |`, `| --- | ---: | ---: |`];
  for (const row of rows) {
    if (row.skipped) lines.push(`| ${row.label} | skipped: ${row.skipped} | |`);
    else lines.push(`| ${row.label} | ${formatRate(median(row.sequential))} | ${formatRate(median(row.concurrent))} |`);
  }
  lines.push(
    '',
    `Medians of ${runs} runs. Each run measures a row in a fresh process for 2 s per mode after a warm-up; the rows of`,
    'one transport (stock Nest and Seam, over TCP or over Redis) are measured in the same process, in turns of 200 ms,',
    'so that their ratio does not depend on how busy the machine happened to be during one of them. The ratios',
    "of the targets below are medians of the runs' own ratios (a run measures every row once), not ratios of the",
    "table's medians, which may come from different runs.",
  );
  return lines.join('\n');
}

/** Marker lines around one benchmark's section of docs/benchmarks.md. */
const sectionMarkers = (id: string) => [`<!-- bench:${id}:start -->`, `<!-- bench:${id}:end -->`] as const;

/**
 * Writes one benchmark's section of a Markdown file (docs/benchmarks.md), between its markers,
 * leaving every other section as it is: each benchmark rewrites only what it measured. A section
 * not there yet is appended; a missing file starts with `# Benchmarks`.
 */
export function writeDocsSection(file: string, id: string, markdown: string): void {
  const [start, end] = sectionMarkers(id);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from !== -1 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
