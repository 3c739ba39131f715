import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { LOCAL_MODULES } from '../modules.js';

/** What `npm run dead-letters` runs: the script built by the Nest CLI, as plain `node`. */
const BUILT = 'dist/apps/monolith/dead-letters.js';
const ORDERS = LOCAL_MODULES.find(({ name }) => name === 'orders')!;

function deadLetters(argv: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, [BUILT, ...argv], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run dead-letters, the built script as a process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-dead-letters-'));
  const env = { DATA_DIR: dataDir };
  const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
  const rowsOf = async (table: string) => {
    const dataSource = await openDataSource(dataSourceOptions(ORDERS.data, { kind: 'sqlite', dataDir }));
    try {
      return (
        (await dataSource.query(`SELECT event_id FROM ${table} ORDER BY event_id`)) as Array<{ event_id: string }>
      ).map((row) => row.event_id);
    } finally {
      await dataSource.destroy();
    }
  };

  beforeAll(async () => {
    // Two events the relay gave up on, as it leaves them.
    const dataSource = await openDataSource(dataSourceOptions(ORDERS.data, { kind: 'sqlite', dataDir }));
    try {
      // The first written a minute ago; the second long before any inbox still remembers it.
      const writtenAt = [new Date(Date.now() - 60_000).toISOString(), '2001-01-01T00:00:00.000Z'];
      for (const [index, id] of ids.entries()) {
        await dataSource.query(
          `INSERT INTO seam_outbox_dead (seq, event_id, aggregate_id, pattern, payload, traceparent, created_at, attempts, delivered_to, last_error, failed_at)
           VALUES (?, ?, ?, 'orders.order.confirmed', '{}', NULL, ?, 12, 'catalog', 'identity: UNAVAILABLE: identity is down', '2026-11-26T00:05:00.000Z')`,
          [index + 1, id, `order-${index}`, writtenAt[index]],
        );
      }
    } finally {
      await dataSource.destroy();
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists a module’s dead letters, oldest first, with what failed', () => {
    const run = deadLetters(['orders', 'list'], env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('orders: 2 dead letter(s)');
    expect(lines[1]).toBe(
      `${ids[0]}  orders.order.confirmed  aggregate order-0  12 attempt(s)  failed 2026-11-26T00:05:00.000Z  identity: UNAVAILABLE: identity is down`,
    );
    expect(lines[2]).toContain(ids[1]);
  });

  it('replays one event by id, then the rest with --all, back into the outbox with the same ids; warns of one older than inboxes remember', async () => {
    const one = deadLetters(['orders', 'replay', ids[0]!], env);
    expect(one).toMatchObject({ status: 0, stdout: `orders: 1 event(s) back in the outbox: ${ids[0]}\n`, stderr: '' });
    expect(await rowsOf('seam_outbox')).toEqual([ids[0]]);
    expect(await rowsOf('seam_outbox_dead')).toEqual([ids[1]]);
    const rest = deadLetters(['orders', 'replay', '--all'], env);
    expect(rest).toMatchObject({ status: 0, stdout: `orders: 1 event(s) back in the outbox: ${ids[1]}\n` });
    expect(rest.stderr).toBe(
      `dead-letters: warning: 1 replayed event(s) were written more than 14 days ago (${ids[1]}), longer than an inbox keeps its entries by default: a module that applied one but whose acknowledgement was lost will apply it again\n`,
    );
    expect(await rowsOf('seam_outbox')).toEqual(ids);
    expect(await rowsOf('seam_outbox_dead')).toEqual([]);
  });

  it('fails (exit 1) for an event id that is not a dead letter', () => {
    const run = deadLetters(['orders', 'replay', '33333333-3333-4333-8333-333333333333'], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('dead-letters: no dead letter 33333333-3333-4333-8333-333333333333 in orders\n');
  });

  it('refuses a usage error with exit 2 and a one-line reason (the parser itself is tested with every hostile input)', () => {
    const run = deadLetters(['orders', 'replay', "x'; DROP TABLE seam_outbox; --"], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`dead-letters: "x'; DROP TABLE seam_outbox; --" is not an event id (--help for usage)\n`);
    expect(run.stdout).toBe('');
  });

  it('refuses a DATABASE_URL that is not a postgres URL with exit 2, without printing it', () => {
    const run = deadLetters(['orders', 'list'], { DATABASE_URL: 'mysql://root:hunter2@db/orders' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL must be a postgres:// URL');
    expect(run.stderr).not.toContain('hunter2');
  });

  it('refuses a DATA_DIR that holds no database for the module (exit 1), creating none', () => {
    const wrong = join(dataDir, 'not-the-data-dir');
    const run = deadLetters(['orders', 'list'], { DATA_DIR: wrong });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`dead-letters: no database for orders at ${join(wrong, 'orders.sqlite')}:`);
    expect(run.stdout).toBe('');
    expect(existsSync(wrong)).toBe(false);
  });
});
