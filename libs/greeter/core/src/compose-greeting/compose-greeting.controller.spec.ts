import { describe, expect, it } from '@jest/globals';
import { type GreetingComposed, GreeterContract } from '@contracts/greeter';
import type { EventEntry, SeamClient } from '@seam/transport';
import { ComposeGreetingController } from './compose-greeting.controller.js';

/** A SeamClient stand-in that records what is emitted. */
function recordingClient(emitted: { entry: EventEntry; payload: unknown }[]): SeamClient {
  return {
    emit: async (entry: EventEntry, payload: unknown) => {
      emitted.push({ entry, payload });
    },
  } as unknown as SeamClient;
}

describe('ComposeGreetingController', () => {
  describe('compose', () => {
    it('answers the greeting and publishes it as greeter.greeting.composed', async () => {
      const emitted: { entry: EventEntry; payload: unknown }[] = [];
      const controller = new ComposeGreetingController(recordingClient(emitted));

      await expect(controller.compose({ name: 'Ada', language: 'fr' })).resolves.toEqual({ greeting: 'Bonjour, Ada\u202F!' });

      expect(emitted).toHaveLength(1);
      expect(emitted[0]!.entry).toBe(GreeterContract.greetingComposed);
      const event = emitted[0]!.payload as GreetingComposed;
      expect(event).toEqual({ id: expect.any(String), name: 'Ada', greeting: 'Bonjour, Ada\u202F!', occurredAt: expect.any(String) });
      expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
    });

    it('gives each event its own id', async () => {
      const emitted: { entry: EventEntry; payload: unknown }[] = [];
      const controller = new ComposeGreetingController(recordingClient(emitted));
      await controller.compose({ name: 'Ada' });
      await controller.compose({ name: 'Ada' });
      const [first, second] = emitted.map(({ payload }) => (payload as GreetingComposed).id);
      expect(first).not.toBe(second);
    });

    it('fails, without answering, when the event cannot be published', async () => {
      const failing = { emit: () => Promise.reject(new Error('broker down')) } as unknown as SeamClient;
      await expect(new ComposeGreetingController(failing).compose({ name: 'Ada' })).rejects.toThrow('broker down');
    });
  });
});
