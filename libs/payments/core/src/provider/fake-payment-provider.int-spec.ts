import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { spawnService } from '@seam/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { paymentsData } from '../payments.data.js';
import { FAKE_CARDS, FakePaymentProvider } from './fake-payment-provider.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const HOLDS = 50;

async function approvedHold(provider: FakePaymentProvider, amount = eur(1_000)): Promise<string> {
  const result = await provider.authorize(FAKE_CARDS.approved, amount);
  if (result.outcome !== 'approved') throw new Error(`expected an approval, got ${result.reason}`);
  return result.authorizationId;
}

describe('FakePaymentProvider, two replicas on one SQLite file', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-fake-provider-'));
  const replicas: DataSource[] = [];
  /** The fake as each replica has it: one instance per process, on its own DataSource. */
  let one: FakePaymentProvider;
  let other: FakePaymentProvider;

  beforeAll(async () => {
    // One after the other: the first migrates the file, the second finds it migrated.
    for (let replica = 0; replica < 2; replica++)
      replicas.push(await openDataSource(dataSourceOptions(paymentsData, { kind: 'sqlite', dataDir })));
    one = new FakePaymentProvider(replicas[0]!);
    other = new FakePaymentProvider(replicas[1]!);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((dataSource) => dataSource.destroy()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('captures through one a hold made through the other, and refuses it again through either', async () => {
    const authorizationId = await approvedHold(one);
    await other.capture(authorizationId, eur(1_000));
    await expect(one.capture(authorizationId, eur(1_000))).rejects.toThrow(
      `authorization ${authorizationId} is captured, it cannot be captured`,
    );
    await expect(other.capture(authorizationId, eur(1_000))).rejects.toThrow('cannot be captured');
    await one.refund(authorizationId, eur(1_000));
    await expect(other.refund(authorizationId, eur(1_000))).rejects.toThrow('already refunded');
    const effects = (await other.ledger())
      .filter((entry) => entry.authorizationId === authorizationId)
      .map((entry) => entry.type);
    expect(effects).toEqual(['authorization', 'capture', 'refund']);
    expect(await one.ledger()).toEqual(await other.ledger());
  });

  it('voids through one a hold made through the other, which neither can then capture', async () => {
    const authorizationId = await approvedHold(other);
    await one.refund(authorizationId, eur(1_000));
    await expect(other.capture(authorizationId, eur(1_000))).rejects.toThrow('voided');
    await expect(other.capture('auth_unknown', eur(1_000))).rejects.toThrow(
      'cannot capture unknown authorization auth_unknown',
    );
  });

  // Two processes, as replicas are: in one process a synchronous SQLite driver waiting for the
  // other connection's write lock would block the very event loop that must release it.
  it(`lets exactly one of two processes capture each of ${HOLDS} holds that both capture at once`, async () => {
    const ids: string[] = [];
    for (let hold = 0; hold < HOLDS; hold++) ids.push(await approvedHold(one, eur(2_500)));
    const goFile = join(dataDir, 'go');
    const processes = await Promise.all(
      ['a', 'b'].map(() =>
        spawnService({
          entry: 'libs/payments/core/src/provider/fixtures/capture-replica.ts',
          args: [dataDir, goFile, ids.join(','), '2500', 'EUR'],
          readyTimeoutMs: 60_000,
        }),
      ),
    );
    writeFileSync(goFile, '');
    const outcomes = await Promise.all(
      processes.map(async (replica) => {
        await replica.exited;
        const line = replica
          .output()
          .split('\n')
          .find((each) => each.startsWith('RESULT '));
        if (!line) throw new Error(`a replica printed no RESULT:\n${replica.output()}`);
        return JSON.parse(line.slice('RESULT '.length)) as Record<string, string>;
      }),
    );
    for (const id of ids) {
      // One captured it; the other was refused by the provider (not, say, by a locked database).
      expect(outcomes.map((outcome) => outcome[id]).toSorted()).toEqual([
        `authorization ${id} is captured, it cannot be captured`,
        'captured',
      ]);
    }
    const captures = (await one.ledger()).filter(
      (entry) => entry.type === 'capture' && ids.includes(entry.authorizationId),
    );
    expect(captures.map((entry) => entry.authorizationId).toSorted()).toEqual(ids.toSorted());
    // Printed so that a run shows how the holds were split, not only that it passed.
    console.log(
      `captures per process: ${outcomes.map((outcome) => Object.values(outcome).filter((each) => each === 'captured').length).join(', ')} of ${HOLDS}`,
    );
  }, 90_000);
});
