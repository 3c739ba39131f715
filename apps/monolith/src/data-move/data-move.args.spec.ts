import { describe, expect, it } from '@jest/globals';
import { DataMoveError } from '@seam/persistence';
import { parseDataMoveArgs } from './data-move.args.js';

const MODULES = ['identity', 'payments', 'orders'];
const parse = (...argv: string[]) => parseDataMoveArgs(argv, MODULES);
const usage = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(DataMoveError);
    expect((error as DataMoveError).kind).toBe('usage');
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseDataMoveArgs', () => {
  describe('a move', () => {
    it('reads the module, --to, --from and --force, in any order', () => {
      expect(parse('payments', '--to', 'postgres://h/shop')).toEqual({
        help: false,
        module: 'payments',
        to: 'postgres://h/shop',
        force: false,
      });
      expect(parse('--force', '--from=data', 'orders', '--to', 'moved/')).toEqual({
        help: false,
        module: 'orders',
        to: 'moved/',
        from: 'data',
        force: true,
      });
    });

    it('answers --help and -h with the usage, whatever else is given', () => {
      expect(parse('--help')).toEqual({ help: true });
      expect(parse('payments', '-h')).toEqual({ help: true });
    });
  });

  describe('usage errors, one line each', () => {
    it.each([
      [['--to', 'x'], 'which module? (one of identity, payments, orders)'],
      [['payments', 'orders', '--to', 'x'], 'one module at a time, got payments, orders'],
      [['billing', '--to', 'x'], 'unknown module "billing" (modules: identity, payments, orders)'],
      [['payments'], '--to is required: where to move the data (postgres://… or a SQLite directory or file)'],
      [['payments', '--to'], '--to needs a value'],
      [['payments', '--to', ' '], '--to is empty'],
      [['payments', '--to', 'x', '--from', ''], '--from is empty'],
      [['payments', '--to', 'x', '--to', 'y'], '--to is given more than once'],
      [['payments', '--to', 'x', '--frobnicate'], 'unknown option --frobnicate'],
      [['payments', '--to', 'x', '-f'], 'unknown option -f'],
      [['payments', '--to', 'x', '--force=yes'], '--force takes no value'],
    ])('%j → %s', (argv, message) => {
      expect(usage(...argv)).toBe(message);
    });
  });
});
