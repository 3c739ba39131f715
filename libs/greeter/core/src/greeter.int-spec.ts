import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module, type Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { GreeterContract, type GreetingComposed } from '@contracts/greeter';
import { eventually } from '@seam/testing';
import {
  ContractController,
  defineContract,
  InProcessBus,
  SeamClient,
  SeamTransportModule,
  startSeamServers,
  Subscribe,
  ValidationError,
} from '@seam/transport';
import { GreeterModule } from './greeter.module.js';

/** The test plays a neighbour module that only knows the greeter's contract. */
const NeighbourContract = defineContract('test', {});

@ContractController(NeighbourContract)
class GreetingsHeard {
  static readonly events: GreetingComposed[] = [];

  @Subscribe(GreeterContract.greetingComposed)
  heard(@Payload() event: GreetingComposed): void {
    GreetingsHeard.events.push(event);
  }
}

@Module({ imports: [SeamTransportModule.forModule('test')], controllers: [GreetingsHeard] })
class NeighbourModule {}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail, but it succeeded');
    },
    (error: unknown) => error,
  );
}

/** Boots `imports` as an app on `bus` hosting `hosted`, with its Seam servers started. */
async function boot(hosted: string[], bus: InProcessBus, imports: Type[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [SeamTransportModule.forRoot({ hosted, bus }), ...imports] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await startSeamServers(app);
  await app.init();
  return app;
}

describe('GreeterModule', () => {
  let greeter: INestApplication;
  let neighbour: INestApplication;
  let client: SeamClient;

  beforeAll(async () => {
    const bus = new InProcessBus();
    greeter = await boot(['greeter'], bus, [GreeterModule]);
    neighbour = await boot(['test'], bus, [NeighbourModule]);
    client = neighbour.get(SeamClient);
  });

  afterAll(async () => {
    await neighbour?.close();
    await greeter?.close();
  });

  describe('composeGreeting', () => {
    it('greets in English by default', async () => {
      await expect(client.send(GreeterContract.composeGreeting, { name: 'Ada' })).resolves.toEqual({ greeting: 'Hello, Ada!' });
    });

    it('greets in French when asked', async () => {
      await expect(client.send(GreeterContract.composeGreeting, { name: 'Ada', language: 'fr' })).resolves.toEqual({
        greeting: 'Bonjour, Ada\u202F!',
      });
    });

    it('publishes greeter.greeting.composed for each greeting', async () => {
      await client.send(GreeterContract.composeGreeting, { name: 'Grace' });
      const event = await eventually(() => {
        const found = GreetingsHeard.events.find((heard) => heard.name === 'Grace');
        expect(found).toBeDefined();
        return found!;
      });
      expect(event).toEqual({ id: expect.any(String), name: 'Grace', greeting: 'Hello, Grace!', occurredAt: expect.any(String) });
    });

    it('refuses an empty name and an unknown language with a ValidationError naming both fields', async () => {
      const error = await failureOf(client.send(GreeterContract.composeGreeting, { name: '', language: 'de' as never }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path).toSorted()).toEqual(['language', 'name']);
    });

    it('refuses a name longer than 60 characters and unknown fields', async () => {
      const request = { name: 'x'.repeat(61), shout: true } as never;
      const error = await failureOf(client.send(GreeterContract.composeGreeting, request));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path).toSorted()).toEqual(['name', 'shout']);
    });
  });
});
