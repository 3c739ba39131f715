import { describe, expect, it } from '@jest/globals';
import { isTransientDatabaseError } from './transient-database-errors.js';

/** An error shaped as a driver shapes it: `code` (and `syscall` for a socket error) on an Error. */
function driverError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`driver says ${code}`), { code }, extra);
}
/** TypeORM's QueryFailedError keeps the driver's error as `driverError`. */
function queryFailed(cause: unknown): Error {
  return Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: cause });
}

describe('transient-database-errors', () => {
  describe('isTransientDatabaseError', () => {
    it.each([
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_BUSY_TIMEOUT',
      'SQLITE_LOCKED',
      'SQLITE_LOCKED_SHAREDCACHE',
      '40001',
      '40P01',
      '55P03',
      '57P01',
      '57P02',
      '57P03',
      '53300',
      '08006',
    ])('is true for %s, thrown by the driver or wrapped by TypeORM', (code) => {
      expect([
        isTransientDatabaseError(driverError(code)),
        isTransientDatabaseError(queryFailed(driverError(code))),
      ]).toEqual([true, true]);
    });

    it.each([
      'SQLITE_CONSTRAINT_UNIQUE',
      'SQLITE_CONSTRAINT_PRIMARYKEY',
      'SQLITE_ERROR',
      'SQLITE_FULL',
      '23505',
      '23503',
      '42601',
      '22P02',
      '40002',
      '57014',
    ])('is false for %s: the same statement would fail the same way', (code) => {
      expect(isTransientDatabaseError(queryFailed(driverError(code)))).toBe(false);
    });

    it('takes a socket error for a connection failure only from a system call', () => {
      expect(isTransientDatabaseError(driverError('ECONNREFUSED', { syscall: 'connect' }))).toBe(true);
      expect(isTransientDatabaseError(driverError('ECONNRESET', { syscall: 'read' }))).toBe(true);
      expect(isTransientDatabaseError(driverError('ECONNREFUSED'))).toBe(false);
      expect(isTransientDatabaseError(driverError('ENOENT', { syscall: 'open' }))).toBe(false);
    });

    it('knows node-postgres’s lost-connection messages, not those of a client closed on purpose', () => {
      expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
      expect(isTransientDatabaseError(queryFailed(new Error('timeout exceeded when trying to connect')))).toBe(true);
      expect(isTransientDatabaseError(new Error('Client was closed and is not queryable'))).toBe(false);
      expect(isTransientDatabaseError({ message: 'Connection terminated unexpectedly' })).toBe(false);
    });

    it('follows a cause chain a few levels deep, and stops at a cycle', () => {
      const wrapped = new Error('outer', { cause: new Error('middle', { cause: driverError('SQLITE_BUSY') }) });
      expect(isTransientDatabaseError(wrapped)).toBe(true);
      const cyclic: { cause?: unknown } = {};
      cyclic.cause = cyclic;
      expect(isTransientDatabaseError(cyclic)).toBe(false);
    });

    it('is false for what is no error', () => {
      expect([undefined, null, 'SQLITE_BUSY', 40001].map((value) => isTransientDatabaseError(value))).toEqual([
        false,
        false,
        false,
        false,
      ]);
    });
  });
});
