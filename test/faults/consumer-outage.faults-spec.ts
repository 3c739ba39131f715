import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { freePort, type ServiceProcess, spawnService } from '@seam/testing';
import { ms, reportFigures } from './support/figures.js';
import { faultScale } from './support/scale.js';

const ACCOUNTS = 20;

/** Reads a module's SQLite file while its process runs (read-only, waiting out its write lock). */
function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('a consumer down while events are produced', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-faults-outage-'));
  const started: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((each) => each.stop(2_000)));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const { events, downMs } = faultScale({
    full: { events: 1_000, downMs: 30_000 },
    reduced: { events: 100, downMs: 3_000 },
  });

  it(`consumer down for ${downMs / 1_000} s while ${events} events are produced: all applied once, in order, after it returns`, async () => {
    const [ledgerPort, tallyPort] = [await freePort(), await freePort()];
    const node = async (args: string[]) => {
      const started_ = await spawnService({
        entry: 'test/faults/fixtures/messaging-node.ts',
        args: [args[0]!, dataDir, String(ledgerPort), String(tallyPort), ...args.slice(1)],
        readyTimeoutMs: 60_000,
      });
      started.push(started_);
      return started_;
    };
    const consumer = await node(['consumer']);
    consumer.signal('SIGKILL');
    await consumer.exited;
    const downAt = performance.now();
    // Produced over most of the outage, at a steady rate.
    const producer = await node([
      'producer',
      String(events),
      String(Math.ceil(events / ((downMs * 0.8) / 1_000))),
      String(ACCOUNTS),
    ]);
    const remaining = downMs - (performance.now() - downAt);
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    const tallyFile = join(dataDir, 'tally.sqlite');
    const appliedBefore = query<{ n: number }>(tallyFile, 'SELECT COUNT(*) AS n FROM seam_inbox')[0]!.n;
    await node(['consumer']);
    const backAt = performance.now();
    let applied = 0;
    while (performance.now() - backAt < 120_000) {
      applied = query<{ n: number }>(tallyFile, 'SELECT COUNT(*) AS n FROM seam_inbox')[0]!.n;
      if (applied >= events) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drainedAfter = performance.now() - backAt;
    expect(producer.output()).toContain(`POSTED ${events}`);

    const totals = query<{ account: string; total: number; applied: number }>(
      tallyFile,
      'SELECT account, total, applied FROM tally_total',
    );
    const seen = query<{ account: string; n: number }>(tallyFile, 'SELECT account, n FROM tally_seen ORDER BY seq');
    const outOfOrder = ACCOUNTS - new Set(seen.map((row) => row.account)).size + countOutOfOrder(seen);
    const ledgerFile = join(dataDir, 'ledger.sqlite');
    const dead = query<{ n: number }>(ledgerFile, 'SELECT COUNT(*) AS n FROM seam_outbox_dead')[0]!.n;
    const effects = totals.reduce((sum, row) => sum + Number(row.applied), 0);
    reportFigures(`consumer outage (tally down ${downMs / 1_000} s, TCP, SQLite)`, {
      'events produced': events,
      'applied while down': appliedBefore,
      'applied after it returned': applied,
      'effects (sum of applied)': effects,
      'duplicate effects': effects - applied,
      'aggregates out of order': outOfOrder,
      'dead letters': dead,
      'all applied within (from its restart)': ms(drainedAfter),
    });
    expect(appliedBefore).toBe(0);
    expect(applied).toBe(events);
    expect(effects).toBe(events);
    expect(outOfOrder).toBe(0);
    expect(dead).toBe(0);
  }, 300_000);
});

/** Entries of one account applied out of their written order (n must go 1, 2, 3…). */
function countOutOfOrder(rows: Array<{ account: string; n: number }>): number {
  const next = new Map<string, number>();
  let wrong = 0;
  for (const { account, n } of rows) {
    const expected = (next.get(account) ?? 0) + 1;
    if (Number(n) !== expected) wrong++;
    next.set(account, Number(n));
  }
  return wrong;
}
