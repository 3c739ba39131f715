import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GreeterContract, type GreetingComposed } from '@contracts/greeter';
import { GuestbookContract } from '@contracts/guestbook';
import { eventually } from '@seam/testing';
import { InProcessBus, SeamClient, SeamTransportModule, startSeamServers, ValidationError } from '@seam/transport';
import { GuestbookModule } from './guestbook.module.js';

/** The test plays the greeter and any other caller: it knows nothing but the contracts. */
@Module({ imports: [SeamTransportModule.forModule('test')] })
class CallerModule {}

/** Boots `imports` as an app on `bus` hosting `hosted`, with its Seam servers started. */
async function boot(hosted: string[], bus: InProcessBus, imports: Type[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [SeamTransportModule.forRoot({ hosted, bus }), ...imports] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await startSeamServers(app);
  await app.init();
  return app;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail, but it succeeded');
    },
    (error: unknown) => error,
  );
}

function greetingComposed(name: string): GreetingComposed {
  return { id: randomUUID(), name, greeting: `Hello, ${name}!`, occurredAt: new Date().toISOString() };
}

describe('GuestbookModule', () => {
  let guestbook: INestApplication;
  let caller: INestApplication;
  let client: SeamClient;

  beforeAll(async () => {
    const bus = new InProcessBus();
    guestbook = await boot(['guestbook'], bus, [GuestbookModule]);
    caller = await boot([], bus, [CallerModule]);
    client = caller.get(SeamClient);
  });

  afterAll(async () => {
    await caller?.close();
    await guestbook?.close();
  });

  describe('listEntries', () => {
    it('lists a greeting shortly after the greeter published it, newest first', async () => {
      const ada = greetingComposed('Ada');
      await client.emit(GreeterContract.greetingComposed, ada);
      await client.emit(GreeterContract.greetingComposed, greetingComposed('Grace'));
      const { entries } = await eventually(async () => {
        const listed = await client.send(GuestbookContract.listEntries, {});
        expect(listed.entries.map((entry) => entry.name)).toEqual(['Grace', 'Ada']);
        return listed;
      });
      expect(entries[1]).toEqual({ name: 'Ada', greeting: 'Hello, Ada!', at: ada.occurredAt });
    });

    it('records a redelivered event once', async () => {
      const event = greetingComposed('Barbara');
      await client.emit(GreeterContract.greetingComposed, event);
      await client.emit(GreeterContract.greetingComposed, event);
      await client.emit(GreeterContract.greetingComposed, greetingComposed('Marker'));
      const { entries } = await eventually(async () => {
        const listed = await client.send(GuestbookContract.listEntries, { limit: 3 });
        expect(listed.entries[0]?.name).toBe('Marker');
        return listed;
      });
      expect(entries.map((entry) => entry.name)).toEqual(['Marker', 'Barbara', 'Grace']);
    });

    it('lists at most `limit` entries', async () => {
      await eventually(async () => {
        await expect(client.send(GuestbookContract.listEntries, { limit: 1 })).resolves.toEqual({
          entries: [expect.objectContaining({ name: 'Marker' })],
        });
      });
    });

    it.each([[0], [101], [2.5], ['10']])('refuses a limit of %p with a ValidationError on field "limit"', async (limit) => {
      const error = await failureOf(client.send(GuestbookContract.listEntries, { limit } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path)).toEqual(['limit']);
    });

    it('ignores a malformed greeter event instead of recording it', async () => {
      const malformed = { ...greetingComposed('Malformed'), occurredAt: 'yesterday' };
      await client.emit(GreeterContract.greetingComposed, malformed);
      await client.emit(GreeterContract.greetingComposed, greetingComposed('After'));
      const { entries } = await eventually(async () => {
        const listed = await client.send(GuestbookContract.listEntries, {});
        expect(listed.entries[0]?.name).toBe('After');
        return listed;
      });
      expect(entries.map((entry) => entry.name)).not.toContain('Malformed');
    });
  });
});
