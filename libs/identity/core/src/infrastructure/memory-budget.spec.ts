import { describe, expect, it } from '@jest/globals';
import { MemoryBudget } from './memory-budget.js';

/** A job that records when it runs and finishes when told to. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryBudget', () => {
  describe('run', () => {
    it('runs jobs at once while they fit, and the next one when memory is given back', async () => {
      const budget = new MemoryBudget(100);
      const running = new Set<string>();
      const gates = { a: gate(), b: gate(), c: gate() };
      const job = (name: keyof typeof gates) => async () => {
        running.add(name);
        await gates[name].opened;
        running.delete(name);
        return name;
      };
      const results = [budget.run(60, job('a')), budget.run(40, job('b')), budget.run(50, job('c'))];
      await settle();
      expect([...running].toSorted()).toEqual(['a', 'b']);
      gates.b.open();
      await settle();
      // 40 back is not enough for c (50) while a holds 60.
      expect([...running]).toEqual(['a']);
      gates.a.open();
      await settle();
      expect([...running]).toEqual(['c']);
      gates.c.open();
      await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
    });

    it('never lets a small job overtake a large one that waits first', async () => {
      const budget = new MemoryBudget(100);
      const order: string[] = [];
      const first = gate();
      const held = budget.run(80, async () => {
        await first.opened;
        order.push('held');
      });
      const large = budget.run(100, async () => {
        order.push('large');
      });
      const small = budget.run(10, async () => {
        order.push('small');
      });
      await settle();
      expect(order).toEqual([]);
      first.open();
      await Promise.all([held, large, small]);
      expect(order).toEqual(['held', 'large', 'small']);
    });

    it('runs a job larger than the budget alone, and gives memory back when a job fails', async () => {
      const budget = new MemoryBudget(100);
      await expect(budget.run(500, async () => 'alone')).resolves.toBe('alone');
      await expect(budget.run(100, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(budget.run(100, async () => 'after')).resolves.toBe('after');
    });

    it('keeps the sum of running jobs within the budget under a burst', async () => {
      const budget = new MemoryBudget(128);
      let inUse = 0;
      let peak = 0;
      const sizes = Array.from({ length: 50 }, (_, i) => [16, 32, 64, 128][i % 4]!);
      await Promise.all(
        sizes.map((bytes) =>
          budget.run(bytes, async () => {
            inUse += bytes;
            peak = Math.max(peak, inUse);
            await settle();
            inUse -= bytes;
          }),
        ),
      );
      expect(peak).toBeLessThanOrEqual(128);
      expect(peak).toBeGreaterThan(64);
    });
  });
});
