import { describe, expect, it } from '@jest/globals';
import { DeadLettersUsageError, parseDeadLettersArgs } from './dead-letters.args.js';

const MODULES = ['orders', 'payments'];
const ID = '11111111-1111-4111-8111-111111111111';

describe('parseDeadLettersArgs', () => {
  it('reads list, replay of ids (each once), replay --all, and --help', () => {
    expect(parseDeadLettersArgs(['orders', 'list'], MODULES)).toEqual({
      help: false,
      module: 'orders',
      action: 'list',
    });
    expect(parseDeadLettersArgs(['payments', 'replay', ID, ID, 'abc-1'], MODULES)).toEqual({
      help: false,
      module: 'payments',
      action: 'replay',
      eventIds: [ID, 'abc-1'],
    });
    expect(parseDeadLettersArgs(['orders', 'replay', '--all'], MODULES)).toEqual({
      help: false,
      module: 'orders',
      action: 'replay',
    });
    expect(parseDeadLettersArgs(['--help'], MODULES)).toEqual({ help: true });
  });

  it.each([
    ['no arguments', [], /name a module/],
    ['an unknown module', ['nosuch', 'list'], /unknown module "nosuch" \(one of: orders, payments\)/],
    ['no action', ['orders'], /name an action: list or replay/],
    ['an unknown action', ['orders', 'purge'], /unknown action "purge"/],
    ['replay with nothing to replay', ['orders', 'replay'], /replay needs event ids, or --all/],
    ['replay with ids and --all', ['orders', 'replay', '--all', ID], /not both/],
    ['an id that is SQL', ['orders', 'replay', "x'; DROP TABLE seam_outbox; --"], /is not an event id/],
    ['an id of 65 characters', ['orders', 'replay', 'a'.repeat(65)], /is not an event id/],
    ['an unknown option', ['orders', 'list', '--force'], /Unknown option '--force'/],
    ['list with ids', ['orders', 'list', ID], /list takes no event ids/],
    ['list with --all', ['orders', 'list', '--all'], /list takes no event ids and no --all/],
    ['a module name of 10,000 characters', ['m'.repeat(10_000), 'list'], /^unknown module "m{60}" /],
  ])('refuses %s with a one-line usage error', (_, argv, reason) => {
    const error = (() => {
      try {
        parseDeadLettersArgs(argv as string[], MODULES);
        return undefined;
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    expect(error).toBeInstanceOf(DeadLettersUsageError);
    expect(error?.message).toMatch(reason);
    expect(error?.message).not.toContain('\n');
  });
});
