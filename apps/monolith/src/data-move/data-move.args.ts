import { parseArgs } from 'node:util';
import { DataMoveError } from '@seam/persistence';

/** How to call `npm run data:move`. */
export const DATA_MOVE_USAGE =
  'usage: npm run data:move -- <module> --to <postgres://…|sqlite-dir|file.sqlite> [--from <postgres://…|sqlite-dir|file.sqlite>] [--force]';

/** A data move as asked for on the command line (locations still as written). */
export interface DataMoveArgs {
  readonly help: false;
  readonly module: string;
  readonly to: string;
  /**
   * Absent: the environment's database as the monolith reads it (`DATABASE_URL_<MODULE>`, else
   * `DATABASE_URL`, else `DATA_DIR`).
   */
  readonly from?: string;
  readonly force: boolean;
}

/** What the command line asks for: a move, or the usage text. */
export type ParsedDataMoveArgs = DataMoveArgs | { readonly help: true };

const tokenize = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: {
      to: { type: 'string' },
      from: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
    tokens: true,
  });

/**
 * Parses `<module> --to <target> [--from <source>] [--force] [--help]`. Pure and synchronous.
 *
 * @param modules the modules this binary hosts; any other name is refused.
 * @throws DataMoveError `usage` with a one-line message: unknown or repeated option, a missing or
 *   empty value, no module, more than one, or an unknown one.
 */
export function parseDataMoveArgs(argv: readonly string[], modules: readonly string[]): ParsedDataMoveArgs {
  let parsed: ReturnType<typeof tokenize>;
  try {
    parsed = tokenize(argv);
  } catch (error) {
    throw new DataMoveError('usage', parseError(error));
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return { help: true };
  for (const name of ['to', 'from', 'force'] as const) {
    if (tokens.filter((token) => token.kind === 'option' && token.name === name).length > 1)
      throw new DataMoveError('usage', `--${name} is given more than once`);
  }
  if (positionals.length === 0) throw new DataMoveError('usage', `which module? (one of ${modules.join(', ')})`);
  if (positionals.length > 1) throw new DataMoveError('usage', `one module at a time, got ${positionals.join(', ')}`);
  const [module] = positionals;
  if (!modules.includes(module))
    throw new DataMoveError('usage', `unknown module "${module}" (modules: ${modules.join(', ')})`);
  if (values.to === undefined)
    throw new DataMoveError(
      'usage',
      '--to is required: where to move the data (postgres://… or a SQLite directory or file)',
    );
  for (const name of ['to', 'from'] as const) {
    if (values[name] !== undefined && !values[name].trim()) throw new DataMoveError('usage', `--${name} is empty`);
  }
  return {
    help: false,
    module,
    to: values.to,
    force: values.force ?? false,
    ...(values.from === undefined ? {} : { from: values.from }),
  };
}

/** node:util's messages, shortened to the part that matters on one line. */
function parseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^'\s]*)/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /does not take/.test(message ?? '') ? `${option} takes no value` : `${option} needs a value`;
  return message ?? String(error);
}
