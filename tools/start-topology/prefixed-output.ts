/** Foreground colours given to the processes in turn: cyan, magenta, yellow, green, blue, red. */
const COLOURS = [36, 35, 33, 32, 34, 31];
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

/** Whether output is coloured: only on a terminal, and never when `NO_COLOR` is set (no-color.org). */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** A line without its ANSI colour codes, for matching what a process printed. */
export const plain = (line: string): string => line.replace(ANSI, '');

/**
 * The prefixes of a run: `[orders] `, padded to the longest name so that the messages line up,
 * each name in its own colour when `colour` is on.
 */
export function prefixes(names: readonly string[], colour: boolean): Map<string, string> {
  const width = Math.max(...names.map((name) => name.length));
  return new Map(
    names.map((name, index) => {
      const label = `[${name}]`;
      const padding = ' '.repeat(width - name.length + 1);
      const code = COLOURS[index % COLOURS.length];
      return [name, colour ? `${ESC}[${code}m${label}${ESC}[39m${padding}` : `${label}${padding}`];
    }),
  );
}

/**
 * Cuts a stream of chunks into whole lines: `push` hands every complete line to `line` and keeps
 * the unfinished tail; `end` flushes the tail (a process that died mid-line).
 */
export class LineSplitter {
  private tail = '';

  constructor(private readonly line: (text: string) => void) {}

  push(chunk: Buffer | string): void {
    const lines = (this.tail + chunk.toString()).split('\n');
    this.tail = lines.pop()!;
    for (const text of lines) this.line(text.replace(/\r$/, ''));
  }

  end(): void {
    if (this.tail !== '') this.line(this.tail);
    this.tail = '';
  }
}
