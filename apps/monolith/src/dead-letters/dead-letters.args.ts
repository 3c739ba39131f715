import { parseArgs } from 'node:util';

/** How to call `npm run dead-letters`. */
export const DEAD_LETTERS_USAGE = [
  'usage: npm run dead-letters -- <module> list',
  '       npm run dead-letters -- <module> replay <event-id>… | --all',
].join('\n');

/** A command-line mistake (exit 2). */
export class DeadLettersUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadLettersUsageError';
  }
}

/** What the command line asks for. */
export type DeadLettersArgs =
  | { readonly help: true }
  | { readonly help: false; readonly module: string; readonly action: 'list' }
  | { readonly help: false; readonly module: string; readonly action: 'replay'; readonly eventIds?: readonly string[] };

const EVENT_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Parses `<module> list` or `<module> replay <event-id>… | --all`. Pure and synchronous.
 *
 * @param modules the modules this binary hosts; any other name is refused.
 * @throws DeadLettersUsageError with a one-line message.
 */
export function parseDeadLettersArgs(argv: readonly string[], modules: readonly string[]): DeadLettersArgs {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { all: { type: 'boolean' }; help: { type: 'boolean'; short: 'h' } };
      allowPositionals: true;
      strict: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new DeadLettersUsageError((error as Error).message.split('\n')[0]!);
  }
  if (parsed.values.help) return { help: true };
  const [module, action, ...ids] = parsed.positionals;
  if (!module) throw new DeadLettersUsageError('name a module');
  if (!modules.includes(module))
    throw new DeadLettersUsageError(`unknown module "${module.slice(0, 60)}" (one of: ${modules.join(', ')})`);
  if (action === 'list') {
    if (ids.length > 0 || parsed.values.all) throw new DeadLettersUsageError('list takes no event ids and no --all');
    return { help: false, module, action };
  }
  if (action !== 'replay')
    throw new DeadLettersUsageError(
      action ? `unknown action "${action.slice(0, 60)}" (list or replay)` : 'name an action: list or replay',
    );
  if (parsed.values.all && ids.length > 0) throw new DeadLettersUsageError('replay takes event ids or --all, not both');
  if (!parsed.values.all && ids.length === 0) throw new DeadLettersUsageError('replay needs event ids, or --all');
  const bad = ids.find((id) => !EVENT_ID.test(id));
  if (bad !== undefined) throw new DeadLettersUsageError(`"${bad.slice(0, 60)}" is not an event id`);
  return parsed.values.all
    ? { help: false, module, action }
    : { help: false, module, action, eventIds: [...new Set(ids)] };
}
