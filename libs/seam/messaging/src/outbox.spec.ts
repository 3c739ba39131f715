import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { defineContract, event } from '@seam/transport';
import { EventSubscribers } from './event-subscribers.js';
import { Outbox } from './outbox.js';
import type { Sql } from './sql.js';

class Paid {
  @IsString() id!: string;
}

class Receipt {
  @IsString() id!: string;
  @IsString() text!: string;
}

const Till = defineContract('till', {
  paid: event({ pattern: 'till.sale.paid', subscribers: ['books'], payload: Paid }),
  printed: event({ pattern: 'till.receipt.printed', subscribers: ['books'], payload: Receipt }),
});

/** SQL that records the statements it is given instead of running them. */
function recordingSql() {
  const written: unknown[][] = [];
  const sql = {
    table: (name: string) => name,
    rows: async (_statement: string, values: unknown[]) => (written.push(values), []),
  } as unknown as Sql;
  return { sql, written };
}

/** A manager in a transaction, as `add` requires. */
const manager = { queryRunner: { isTransactionActive: true } } as unknown as EntityManager;

describe('Outbox', () => {
  describe('add', () => {
    it("writes an event of the module's contract", async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined, EventSubscribers.of(Till));
      expect(await outbox.add(manager, Till.paid, { id: 'e-1' }, { aggregateId: 'a-1' })).toBe('e-1');
      expect(written.map((values) => values.slice(0, 3))).toEqual([['e-1', 'a-1', 'till.sale.paid']]);
    });

    it('refuses, writing nothing, an event the contract does not declare or a copy naming other subscribers', async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined, EventSubscribers.of(Till));
      const voided = { ...Till.paid, pattern: 'till.sale.voided' };
      const widened = { ...Till.paid, subscribers: ['books', 'spy'] };
      for (const entry of [voided, widened])
        await expect(outbox.add(manager, entry, { id: 'e-2' }, { aggregateId: 'a-1' })).rejects.toThrow(
          /takes events as its contract declares them/,
        );
      expect(written).toEqual([]);
    });

    it('refuses, writing nothing, a manager outside a transaction', async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined, EventSubscribers.of(Till));
      const outside = { queryRunner: { isTransactionActive: false } } as unknown as EntityManager;
      for (const alone of [outside, {} as EntityManager])
        await expect(outbox.add(alone, Till.paid, { id: 'e-4' }, { aggregateId: 'a-1' })).rejects.toThrow(
          /within the transaction of the change it reports/,
        );
      expect(written).toEqual([]);
    });

    it('refuses, writing nothing, an event the transports could not carry (it would be dead-lettered at once)', async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined, EventSubscribers.of(Till));
      const receipt = (text: string) => outbox.add(manager, Till.printed, { id: 'e-5', text }, { aggregateId: 'a-1' });
      await expect(receipt('x'.repeat(1024 * 1024))).rejects.toThrow(/over the 1048576-byte limit/);
      expect(written).toEqual([]);
      // Just under the limit once in its delivery's envelope: written.
      await receipt('x'.repeat(1024 * 1024 - 200));
      expect(written).toHaveLength(1);
    });

    it('refuses, writing nothing, an event id or aggregate id longer than its column', async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined, EventSubscribers.of(Till));
      await expect(outbox.add(manager, Till.paid, { id: 'e'.repeat(65) }, { aggregateId: 'a-1' })).rejects.toThrow(
        /event id of an event must be at most 64 characters/,
      );
      await expect(outbox.add(manager, Till.paid, { id: 'e-6' }, { aggregateId: 'a'.repeat(101) })).rejects.toThrow(
        /aggregate id of an event must be at most 100 characters/,
      );
      expect(written).toEqual([]);
      // Counted in characters, as the columns count them: 100 of two UTF-16 units each fit.
      await outbox.add(manager, Till.paid, { id: 'e-7' }, { aggregateId: '😀'.repeat(100) });
      expect(written).toHaveLength(1);
    });

    it('without a contract, takes any event of its module', async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined);
      const voided = { ...Till.paid, pattern: 'till.sale.voided' };
      await outbox.add(manager, voided, { id: 'e-3' }, { aggregateId: 'a-1' });
      expect(written).toHaveLength(1);
    });
  });
});
