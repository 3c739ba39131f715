import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { eventually } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { LedgerService, startNode, TallyReader } from './fixtures/ledger.fixture.js';

const HOUR_MS = 3_600_000;

describe('Inbox retention in a running app (SQLite)', () => {
  let dataDir: string;
  let app: INestApplication;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seam-inbox-retention-'));
    app = await startNode({
      hosted: ['ledger', 'tally'],
      database: { kind: 'sqlite', dataDir },
      relay: { pollMs: 20 },
      inbox: { retentionMs: HOUR_MS, pruneEveryMs: 50 },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deletes the entries older than retentionMs every pruneEveryMs, and keeps the newer', async () => {
    const ledger = app.get(LedgerService);
    const tally = app.get(TallyReader);
    const posted = [randomUUID(), randomUUID()];
    for (const [n, id] of posted.entries()) await ledger.post({ id, account: 'acc-retention', amount: 1, n: n + 1 });
    await eventually(async () => expect(await tally.inboxRows()).toBe(2), { timeoutMs: 10_000, intervalMs: 20 });

    // The first entry made two hours old, past the hour this app keeps.
    const tallyData = app.get<DataSource>(getDataSourceToken('tally'));
    await tallyData.query(`UPDATE seam_inbox SET received_at = ? WHERE event_id = ?`, [
      new Date(Date.now() - 2 * HOUR_MS).toISOString(),
      posted[0],
    ]);

    await eventually(async () => expect(await tally.inboxRows()).toBe(1), { timeoutMs: 10_000, intervalMs: 20 });
    const [left] = (await tallyData.query('SELECT event_id FROM seam_inbox')) as Array<{ event_id: string }>;
    expect(left!.event_id).toBe(posted[1]);
  });
});
