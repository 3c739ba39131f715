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

const Till = defineContract('till', {
  paid: event({ pattern: 'till.sale.paid', subscribers: ['books'], payload: Paid }),
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

const manager = {} as EntityManager;

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

    it('without a contract, takes any event of its module', async () => {
      const { sql, written } = recordingSql();
      const outbox = new Outbox('till', sql, () => undefined);
      const voided = { ...Till.paid, pattern: 'till.sale.voided' };
      await outbox.add(manager, voided, { id: 'e-3' }, { aggregateId: 'a-1' });
      expect(written).toHaveLength(1);
    });
  });
});
