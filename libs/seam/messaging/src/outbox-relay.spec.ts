import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { currentCallContext, defineContract, event, type RequestEntry, type SeamClient } from '@seam/transport';
import { EventSubscribers } from './event-subscribers.js';
import { OutboxRelay } from './outbox-relay.js';
import type { ClaimedEvent, ClaimOptions, OutboxStore } from './outbox-store.js';
import { relayOptions } from './relay-options.js';
import { SubscriberDirectory } from './subscriber-directory.js';

class Paid {
  id!: string;
}

const Till = defineContract('till', {
  paid: event({ pattern: 'till.sale.paid', subscribers: ['books'], payload: Paid }),
  opened: event({ pattern: 'till.drawer.opened', subscribers: [], payload: Paid }),
});

/** An outbox holding `events` that records what the relay decides about each. */
function storeOf(events: ClaimedEvent[]) {
  const outcomes: string[] = [];
  const store = {
    claim: async () => events.splice(0),
    complete: async (rows: ClaimedEvent[]) => {
      for (const row of rows) outcomes.push(`done ${row.eventId}`);
      return rows.length;
    },
    retryLater: async (row: ClaimedEvent, _relay: string, delivered: string[], error: string) =>
      void outcomes.push(`retry ${row.eventId} [${delivered.join(',')}] ${error}`),
    deadLetter: async (row: ClaimedEvent, _relay: string, delivered: string[], error: string) =>
      void outcomes.push(`dead ${row.eventId} [${delivered.join(',')}] ${error}`),
  } as unknown as OutboxStore;
  return { store, outcomes };
}

/** Modules answering `$subscriptions` and `$deliver`; `down` ones fail every request. */
function mesh(subscriptions: Record<string, string[]>, down: string[]) {
  const sent: string[] = [];
  const seam = {
    reachableModules: () => [...Object.keys(subscriptions), ...down].toSorted(),
    send: async (entry: RequestEntry) => {
      sent.push(entry.pattern);
      if (down.includes(entry.module))
        throw Object.assign(new Error(`${entry.module} is down`), { code: 'UNAVAILABLE' });
      if (entry.pattern.endsWith('.$subscriptions')) return { patterns: subscriptions[entry.module] };
      return { handled: true };
    },
  } as unknown as SeamClient;
  return { seam, sent };
}

const claimed = (eventId: string, pattern: string, attempts = 1): ClaimedEvent => ({
  seq: 1,
  eventId,
  aggregateId: 'a-1',
  pattern,
  payload: { id: eventId },
  createdAt: new Date(0).toISOString(),
  attempts,
  deliveredTo: [],
});

function relayOn(subscriptions: Record<string, string[]>, down: string[], events: ClaimedEvent[]) {
  const { seam, sent } = mesh(subscriptions, down);
  const { store, outcomes } = storeOf(events);
  const options = relayOptions({ maxAttempts: 2 });
  const directory = new SubscriberDirectory(seam, {
    refreshMs: 60_000,
    askTimeoutMs: 100,
    subscribers: EventSubscribers.of(Till),
  });
  return { relay: new OutboxRelay('till', store, directory, seam, options), sent, outcomes };
}

describe('OutboxRelay', () => {
  describe('round', () => {
    it('delivers to the named subscriber while a module the event does not name is down', async () => {
      const { relay, sent, outcomes } = relayOn(
        { books: ['till.sale.paid'] },
        ['vault'],
        [claimed('e-1', 'till.sale.paid')],
      );
      expect(await relay.round()).toBe(1);
      expect(sent).toEqual(['books.$subscriptions', 'books.$deliver']);
      expect(outcomes).toEqual(['done e-1']);
      expect(relay.stats).toEqual({ delivered: 1, retried: 0, deadLettered: 0 });
    });

    it('marks an event with an empty subscriber list delivered, sending nothing', async () => {
      const { relay, sent, outcomes } = relayOn(
        { books: ['till.drawer.opened'] },
        ['vault'],
        [claimed('e-2', 'till.drawer.opened')],
      );
      await relay.round();
      expect(sent).toEqual([]);
      expect(outcomes).toEqual(['done e-2']);
    });

    it('retries, then dead-letters, an event whose named subscriber cannot be asked', async () => {
      const first = relayOn({}, ['books'], [claimed('e-3', 'till.sale.paid', 1)]);
      await first.relay.round();
      expect(first.outcomes).toEqual(['retry e-3 [] books: could not learn its subscriptions (unreachable)']);
      const last = relayOn({}, ['books'], [claimed('e-3', 'till.sale.paid', 2)]);
      await last.relay.round();
      expect(last.outcomes).toEqual(['dead e-3 [] books: could not learn its subscriptions (unreachable)']);
    });

    it('dead-letters, sending nothing, an event claimed more often than it may be attempted (its relays died delivering it)', async () => {
      const { relay, sent, outcomes } = relayOn(
        { books: ['till.sale.paid'] },
        [],
        [claimed('e-9', 'till.sale.paid', 3)],
      );
      await relay.round();
      expect(sent).toEqual([]);
      expect(outcomes).toEqual([
        'dead e-9 [] claimed 3 times for 2 attempts: the relays that claimed it last stopped or died before recording an outcome',
      ]);
      expect(relay.stats.deadLettered).toBe(1);
    });

    it('logs a retry and a dead letter in the trace of the request that raised the event', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
      const seen: Array<string | undefined> = [];
      const record = () => void seen.push(currentCallContext()?.correlationId);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(record);
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(record);
      try {
        for (const attempts of [1, 2]) {
          const { relay } = relayOn({}, ['books'], [{ ...claimed('e-4', 'till.sale.paid', attempts), traceparent }]);
          await relay.round();
        }
        expect(seen).toEqual([traceId, traceId]);
      } finally {
        warn.mockRestore();
        error.mockRestore();
      }
    });
  });

  describe('claims', () => {
    /** A relay over an outbox that answers each claim with the next of `batches`, recording how it was asked. */
    function relayClaiming(batches: ClaimedEvent[][], batchSize: number) {
      const asked: Array<boolean | undefined> = [];
      const store = {
        claim: async (_relay: string, _limit: number, _leaseMs: number, options?: ClaimOptions) => {
          asked.push(options?.eventsLikely);
          return batches.shift() ?? [];
        },
        complete: async (rows: ClaimedEvent[]) => rows.length,
      } as unknown as OutboxStore;
      const { seam } = mesh({ books: [] }, []);
      const directory = new SubscriberDirectory(seam, {
        refreshMs: 60_000,
        askTimeoutMs: 100,
        subscribers: EventSubscribers.of(Till),
      });
      const options = relayOptions({ batchSize, pollMs: 60_000 });
      return { relay: new OutboxRelay('till', store, directory, seam, options), asked };
    }

    it('reads before claiming when polling, and claims at once after a full batch', async () => {
      const opened = (id: string) => claimed(id, 'till.drawer.opened');
      const { relay, asked } = relayClaiming([[opened('e-1'), opened('e-2')], [opened('e-3')], []], 2);
      await relay.round();
      await relay.round();
      await relay.round();
      expect(asked).toEqual([false, true, false]);
    });

    it('claims at once when an add wakes it', async () => {
      const { relay, asked } = relayClaiming([], 10);
      relay.start();
      try {
        while (asked.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
        relay.wake();
        while (asked.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      } finally {
        await relay.stop();
      }
      expect(asked.slice(0, 2)).toEqual([false, true]);
    });
  });

  describe('stop', () => {
    /**
     * A relay with one event to deliver to `books`, whose delivery waits until `fail` is called
     * and then fails (as a call does when the process closes its clients under it).
     */
    function relayWithHeldDelivery() {
      const { store, outcomes } = storeOf([claimed('e-9', 'till.sale.paid')]);
      let roundEnded!: () => void;
      const ended = new Promise<void>((resolve) => (roundEnded = resolve));
      const complete = store.complete.bind(store);
      store.complete = async (rows, relay) => {
        const done = await complete(rows, relay);
        roundEnded();
        return done;
      };
      let sent!: () => void;
      const delivering = new Promise<void>((resolve) => (sent = resolve));
      let fail!: (error: Error) => void;
      const seam = {
        reachableModules: () => ['books'],
        send: async (entry: RequestEntry) => {
          if (entry.pattern.endsWith('.$subscriptions')) return { patterns: ['till.sale.paid'] };
          sent();
          return new Promise((_, reject) => (fail = reject));
        },
      } as unknown as SeamClient;
      const directory = new SubscriberDirectory(seam, {
        refreshMs: 60_000,
        askTimeoutMs: 100,
        subscribers: EventSubscribers.of(Till),
      });
      const relay = new OutboxRelay('till', store, directory, seam, relayOptions({ maxAttempts: 2 }));
      return { relay, outcomes, delivering, ended, fail: (message: string) => fail(new Error(message)) };
    }

    /** Resolves 'stopped' when `stop` does, or 'still waiting' long after any limit given here. */
    const settled = (stop: Promise<void>) =>
      Promise.race([
        stop.then(() => 'stopped'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000).unref()),
      ]);

    it('without a limit, waits for the round in progress and records its outcome', async () => {
      const { relay, outcomes, delivering, fail } = relayWithHeldDelivery();
      relay.start();
      await delivering;
      const stopped = relay.stop();
      fail('payments is slow');
      await stopped;
      expect(outcomes).toEqual(['retry e-9 [] books: ERROR: payments is slow']);
    });

    it('waits for the round in progress at most withinMs, then records none of its failures', async () => {
      const { relay, outcomes, delivering, ended, fail } = relayWithHeldDelivery();
      relay.start();
      await delivering;
      await expect(settled(relay.stop(20))).resolves.toBe('stopped');
      fail('client closed');
      await ended;
      // The event stays claimed, for the lease to hand it to the next relay: not a failed attempt.
      expect(outcomes).toEqual([]);
    });

    it('keeps an earlier limit for a later stop that gives none', async () => {
      const { relay, delivering } = relayWithHeldDelivery();
      relay.start();
      await delivering;
      void relay.stop(20);
      await expect(settled(relay.stop())).resolves.toBe('stopped');
    });
  });
});
