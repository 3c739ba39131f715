import { describe, expect, it } from '@jest/globals';
import { ANY_CALLER, defineContract, event, type RequestEntry, type SeamClient } from '@seam/transport';
import { EventSubscribers } from './event-subscribers.js';
import { SubscriberDirectory } from './subscriber-directory.js';

class Paid {
  id!: string;
}

const Till = defineContract('till', {
  paid: event({ pattern: 'till.sale.paid', subscribers: ['books'], payload: Paid }),
  opened: event({ pattern: 'till.drawer.opened', subscribers: [], payload: Paid }),
  counted: event({ pattern: 'till.cash.counted', subscribers: [ANY_CALLER], payload: Paid }),
});

/** A mesh of modules answering `$subscriptions`; `down` ones fail; records whom it was asked about. */
function mesh(subscriptions: Record<string, string[]>, down: string[] = []) {
  const asked: string[] = [];
  const seam = {
    reachableModules: () => [...Object.keys(subscriptions), ...down].toSorted(),
    send: async (entry: RequestEntry) => {
      const module = entry.module;
      asked.push(module);
      if (down.includes(module)) throw Object.assign(new Error(`${module} is down`), { code: 'UNAVAILABLE' });
      return { patterns: subscriptions[module] };
    },
  } as unknown as SeamClient;
  return { seam, asked };
}

const options = { refreshMs: 60_000, askTimeoutMs: 100 };

describe('SubscriberDirectory', () => {
  describe('subscribersOf', () => {
    it('asks only the modules the event names, so one that is down elsewhere does not hold it', async () => {
      const { seam, asked } = mesh({ till: [], books: ['till.sale.paid'], stock: ['till.sale.paid'] }, ['vault']);
      const directory = new SubscriberDirectory(seam, { ...options, subscribers: EventSubscribers.of(Till) });
      // stock subscribes against the list: its server refuses that, and the relay does not ask it.
      expect(await directory.subscribersOf('till.sale.paid')).toEqual({ modules: ['books'], unknown: [] });
      expect(asked).toEqual(['books']);
    });

    it('waits for a named subscriber that cannot be asked', async () => {
      const { seam } = mesh({ till: [] }, ['books']);
      const directory = new SubscriberDirectory(seam, { ...options, subscribers: EventSubscribers.of(Till) });
      expect(await directory.subscribersOf('till.sale.paid')).toEqual({ modules: [], unknown: ['books'] });
    });

    it('asks nobody for an event with an empty list', async () => {
      const { seam, asked } = mesh({ till: [], books: ['till.drawer.opened'] }, ['vault']);
      const directory = new SubscriberDirectory(seam, { ...options, subscribers: EventSubscribers.of(Till) });
      expect(await directory.subscribersOf('till.drawer.opened')).toEqual({ modules: [], unknown: [] });
      expect(asked).toEqual([]);
    });

    it('asks every reachable module for [ANY_CALLER], an undeclared pattern, or without a contract', async () => {
      const { seam } = mesh({ till: [], books: ['till.cash.counted', 'till.sale.voided'] }, ['vault']);
      const listed = new SubscriberDirectory(seam, { ...options, subscribers: EventSubscribers.of(Till) });
      expect(await listed.subscribersOf('till.cash.counted')).toEqual({ modules: ['books'], unknown: ['vault'] });
      expect(await listed.subscribersOf('till.sale.voided')).toEqual({ modules: ['books'], unknown: ['vault'] });
      const unlisted = new SubscriberDirectory(seam, options);
      expect(await unlisted.subscribersOf('till.drawer.opened')).toEqual({ modules: [], unknown: ['vault'] });
    });

    it("also asks the modules of its own process (a test's recorder, admitted on its own copy)", async () => {
      const { seam, asked } = mesh({ till: [], books: [], recorder: ['till.drawer.opened'] }, ['vault']);
      const directory = new SubscriberDirectory(seam, {
        ...options,
        subscribers: EventSubscribers.of(Till),
        hosted: ['till', 'recorder'],
      });
      expect(await directory.subscribersOf('till.drawer.opened')).toEqual({ modules: ['recorder'], unknown: [] });
      expect(asked.toSorted()).toEqual(['recorder', 'till']);
    });
  });

  describe('candidates', () => {
    it('leaves out a named module this process has no route to', () => {
      const { seam } = mesh({ till: [] });
      const directory = new SubscriberDirectory(seam, { ...options, subscribers: EventSubscribers.of(Till) });
      expect(directory.candidates('till.sale.paid')).toEqual([]);
    });
  });

  describe('forget', () => {
    it('asks a forgotten module again rather than trusting its cached answer', async () => {
      const subscriptions: Record<string, string[]> = { books: ['till.sale.paid'] };
      const { seam, asked } = mesh(subscriptions);
      const directory = new SubscriberDirectory(seam, { ...options, subscribers: EventSubscribers.of(Till) });
      await directory.subscribersOf('till.sale.paid');
      await directory.subscribersOf('till.sale.paid');
      expect(asked).toEqual(['books']);
      subscriptions.books = [];
      directory.forget('books');
      expect(await directory.subscribersOf('till.sale.paid')).toEqual({ modules: [], unknown: [] });
      expect(asked).toEqual(['books', 'books']);
    });
  });
});
