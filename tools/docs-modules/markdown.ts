// Markdown pieces written exactly as prettier would print them, so that the generated file passes
// `npm run lint` as it is written and regenerating it never shows a formatting-only diff.

/** A value shown as code: backticks around it, and none inside (they would end the span). */
export const code = (text: string): string => `\`${text.replaceAll('`', "'")}\``;

/** A cell's text with what would break the table row escaped: `|` and line breaks. */
export function cell(text: string): string {
  return text.replaceAll('|', String.raw`\|`).replaceAll(/\r?\n/g, ' ');
}

/**
 * A table with its columns padded to their widest cell and a `---` rule under the header, as
 * prettier aligns Markdown tables.
 *
 * @param header the column titles.
 * @param rows cells of each row, already Markdown (escaped with {@link cell} where needed).
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
