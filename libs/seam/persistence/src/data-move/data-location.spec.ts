import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataMoveError } from './data-move.error.js';
import {
  dataLocationFromConfig,
  describeDataLocation,
  parseDataLocation,
  redactUrl,
  sameDataLocation,
  scrubSecrets,
} from './data-location.js';

const usage = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return [(error as DataMoveError).kind, (error as Error).message];
  }
  throw new Error('expected a usage error');
};

describe('parseDataLocation', () => {
  it('reads a postgres:// URL as the module schema in that database', () => {
    expect(parseDataLocation('postgres://u:p@db.example:6543/shop', 'order-history', '--to')).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db.example:6543/shop',
      schema: 'order_history',
    });
    expect(parseDataLocation('postgresql://db/shop', 'payments').kind).toBe('postgres');
  });

  it('reads a directory as <dir>/<module>.sqlite and a SQLite file as itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seam-location-'));
    writeFileSync(join(dir, 'any-name.bin'), '');
    mkdirSync(join(dir, 'sub'));
    expect(parseDataLocation(dir, 'payments')).toEqual({ kind: 'sqlite', file: join(dir, 'payments.sqlite') });
    expect(parseDataLocation(join(dir, 'sub'), 'payments')).toEqual({
      kind: 'sqlite',
      file: join(dir, 'sub', 'payments.sqlite'),
    });
    expect(parseDataLocation(join(dir, 'any-name.bin'), 'payments')).toEqual({
      kind: 'sqlite',
      file: join(dir, 'any-name.bin'),
    });
    expect(parseDataLocation(join(dir, 'new', 'moved.sqlite'), 'payments')).toEqual({
      kind: 'sqlite',
      file: join(dir, 'new', 'moved.sqlite'),
    });
    expect(parseDataLocation(join(dir, 'new-dir'), 'payments')).toEqual({
      kind: 'sqlite',
      file: join(dir, 'new-dir', 'payments.sqlite'),
    });
    expect(parseDataLocation('data', 'payments')).toEqual({ kind: 'sqlite', file: resolve('data', 'payments.sqlite') });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an empty value, another scheme and a URL without host or database, without echoing a password', () => {
    expect(usage(() => parseDataLocation('  ', 'payments', '--to'))).toEqual([
      'usage',
      expect.stringMatching(/^--to is empty/),
    ]);
    expect(usage(() => parseDataLocation('mysql://u:p@h/db', 'payments', '--to'))).toEqual([
      'usage',
      expect.stringMatching(/^--to: unsupported URL scheme mysql:\/\//),
    ]);
    expect(usage(() => parseDataLocation('postgres://u:secret@[bad/db', 'payments', '--from'))).toEqual([
      'usage',
      expect.stringMatching(/^--from is not a valid URL/),
    ]);
    expect(usage(() => parseDataLocation('mysql:/h/db', 'payments', '--to'))).toEqual([
      'usage',
      expect.stringMatching(/^--to: unsupported URL scheme mysql: /),
    ]);
    const [, noDatabase] = usage(() => parseDataLocation('postgres://u:secret@host:5432', 'payments', '--to'));
    expect(noDatabase).toBe(
      '--to must name a host and a database: postgres://user:password@host:5432/database, got postgres://u:***@host:5432',
    );
  });

  it.each(['postgres:/db.internal:5432/shop', 'postgresql:db.internal/shop', 'POSTGRES:/u:secret@db/shop'])(
    'refuses %j, a PostgreSQL URL missing its //, rather than making a SQLite directory of it',
    (value) => {
      const [code, message] = usage(() => parseDataLocation(value, 'payments', '--to'));
      expect(code).toBe('usage');
      expect(message).toMatch(
        /^--to: postgres(ql)?: must be followed by \/\/ \(postgres:\/\/user:password@host:5432\/database\)/,
      );
      expect(message).not.toContain('secret');
      // The way out the message offers, for a directory that really is named so.
      expect(parseDataLocation(`./${value}`, 'payments')).toMatchObject({ kind: 'sqlite' });
    },
  );
});

describe('dataLocationFromConfig', () => {
  it('places a module where the monolith keeps it, and refuses memory', () => {
    expect(dataLocationFromConfig({ kind: 'sqlite', dataDir: '/srv/data' }, 'orders')).toEqual({
      kind: 'sqlite',
      file: '/srv/data/orders.sqlite',
    });
    expect(dataLocationFromConfig({ kind: 'postgres', url: 'postgres://h/db' }, 'orders')).toEqual({
      kind: 'postgres',
      url: 'postgres://h/db',
      schema: 'orders',
    });
    expect(usage(() => dataLocationFromConfig({ kind: 'memory' }, 'orders'))[0]).toBe('usage');
  });
});

describe('describeDataLocation', () => {
  it('names a PostgreSQL schema without credentials, and a SQLite file relative to the working directory', () => {
    expect(
      describeDataLocation({ kind: 'postgres', url: 'postgres://shop:s3cret@127.0.0.1/shop', schema: 'payments' }),
    ).toBe('PostgreSQL 127.0.0.1:5432/shop schema payments');
    expect(describeDataLocation({ kind: 'sqlite', file: resolve('data', 'payments.sqlite') })).toBe(
      'SQLite file data/payments.sqlite',
    );
    expect(describeDataLocation({ kind: 'sqlite', file: '/elsewhere/payments.sqlite' })).toBe(
      'SQLite file /elsewhere/payments.sqlite',
    );
  });
});

describe('sameDataLocation', () => {
  it('compares files by path and PostgreSQL by host, port, database and schema, never by credentials', () => {
    expect(
      sameDataLocation({ kind: 'sqlite', file: 'data/a.sqlite' }, { kind: 'sqlite', file: resolve('data/a.sqlite') }),
    ).toBe(true);
    const pg = (url: string, schema = 'payments') => ({ kind: 'postgres', url, schema }) as const;
    expect(sameDataLocation(pg('postgres://a:x@H:5432/shop'), pg('postgres://b:y@h/shop'))).toBe(true);
    expect(sameDataLocation(pg('postgres://h/shop'), pg('postgres://h:5433/shop'))).toBe(false);
    expect(sameDataLocation(pg('postgres://h/shop'), pg('postgres://h/shop', 'orders'))).toBe(false);
    expect(sameDataLocation(pg('postgres://h/shop'), { kind: 'sqlite', file: 'shop' })).toBe(false);
  });
});

describe('redactUrl and scrubSecrets', () => {
  it('masks passwords in URLs and wherever a location password appears in a message', () => {
    expect(redactUrl('postgres://shop:s3cret@h/db')).toBe('postgres://shop:***@h/db');
    expect(redactUrl('postgres://h/db')).toBe('postgres://h/db');
    const location = { kind: 'postgres', url: 'postgres://shop:p%40ss@h/db', schema: 's' } as const;
    expect(scrubSecrets('auth failed for p@ss at postgres://x:y@z/db', [location])).toBe(
      'auth failed for *** at postgres://x:***@z/db',
    );
  });

  it.each([
    ['postgres://shop:pa/ss@h/db', 'postgres://shop:***@h/db'],
    ['postgres://shop:p@ss@h/db', 'postgres://shop:***@h/db'],
    ['postgres://shop:a@b/c@d@h:5432/db', 'postgres://shop:***@h:5432/db'],
    ['postgres://shop@h/db', 'postgres://shop@h/db'],
    ['postgres://h:5432/db', 'postgres://h:5432/db'],
  ])('masks the whole password of %j, / and @ included', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('masks a password holding / or @ in a driver message too', () => {
    expect(scrubSecrets('cannot connect to postgres://shop:p@s/s@h/db: refused', [])).toBe(
      'cannot connect to postgres://shop:***@h/db: refused',
    );
  });
});
