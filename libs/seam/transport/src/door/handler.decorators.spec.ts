import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { PATTERN_EXTRAS_METADATA } from '@nestjs/microservices/constants.js';
import { Test } from '@nestjs/testing';
import { eventually } from '@seam/testing';
import { IsString, MaxLength } from 'class-validator';
import { SeamClient } from '../client/seam-client.js';
import { TransportRouter } from '../client/transport-router.js';
import { defineContract, event, request } from '../contracts/define-contract.js';
import { ValidationError } from '../errors/seam-error.js';
import { SeamTransportModule, startSeamServers } from '../module/seam-transport.module.js';
import { InProcessBus } from '../transports/in-process/in-process.bus.js';
import { ContractController, Handle, Subscribe } from './handler.decorators.js';

class Text {
  @IsString() @MaxLength(20) text!: string;
}

const DoorContract = defineContract('door', {
  echo: request({ pattern: 'door.echo-text', callers: ['*'], request: Text, response: Text }),
  echoUnchecked: request({ pattern: 'door.echo-unchecked', callers: ['*'], request: Text, response: Text }),
});

const OtherContract = defineContract('other', {
  act: request({ pattern: 'other.do-thing', callers: ['*'], request: Text, response: Text }),
  happened: event({ pattern: 'other.thing.happened', subscribers: ['*'], payload: Text }),
});

/** The Seam extras Nest will hand to the servers for `method`. */
const seamExtrasOf = (method: unknown) =>
  (Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method as object) as { seam?: unknown } | undefined)?.seam;

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail, but it succeeded');
    },
    (error: unknown) => error,
  );
}

/**
 * The app of the running-app tests hosts only "door": its server refuses handlers of any other
 * module, so it would not start if a subscription were bound to the event's module instead.
 */
const heard: string[] = [];

@ContractController(DoorContract)
class DoorController {
  @Handle(DoorContract.echo)
  echo(@Payload() input: Text): Text {
    return input;
  }

  @Handle(DoorContract.echoUnchecked, { validation: false })
  echoUnchecked(@Payload() input: Text): Text {
    return input;
  }

  @Subscribe(OtherContract.happened)
  onHappened(@Payload() payload: Text): void {
    heard.push(payload.text);
  }
}

@Module({ imports: [SeamTransportModule.forModule('tester')], controllers: [DoorController] })
class DoorModule {}

describe('handler.decorators', () => {
  let app: INestApplication;
  let client: SeamClient;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SeamTransportModule.forRoot({ hosted: ['door'], bus: new InProcessBus() }), DoorModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await startSeamServers(app);
    await app.init();
    client = app.get(SeamClient);
  });

  afterAll(async () => {
    await app.close();
  });

  describe('ContractController', () => {
    it('throws when a method handles a request of another module, naming both modules', () => {
      expect(() => {
        @ContractController(DoorContract)
        class Trespasser {
          @Handle(OtherContract.act)
          act(): Text {
            return { text: 'mine now' };
          }
        }
        return Trespasser;
      }).toThrow(
        'Trespasser.act handles a request of module "other", but Trespasser belongs to "door": a module answers only its own contract',
      );
    });

    it('throws when an inherited method handles a request of another module', () => {
      class Base {
        @Handle(OtherContract.act)
        act(): Text {
          return { text: 'mine now' };
        }
      }
      expect(() => {
        @ContractController(DoorContract)
        class Heir extends Base {}
        return Heir;
      }).toThrow('Heir.act handles a request of module "other", but Heir belongs to "door"');
    });

    it('accepts handlers of its own contract and subscriptions to events of other modules', () => {
      expect(() => {
        @ContractController(DoorContract)
        class Neighbour {
          @Handle(DoorContract.echo)
          echo(@Payload() text: Text): Text {
            return text;
          }

          @Subscribe(OtherContract.happened)
          on(): void {}
        }
        return Neighbour;
      }).not.toThrow();
    });

    it('refuses something that is not a contract', () => {
      expect(() => ContractController({ echo: DoorContract.echo })).toThrow(
        'Not a contract: declare it with defineContract()',
      );
    });

    it('binds each @Subscribe method to the module of its own controller', () => {
      @ContractController(DoorContract)
      class DoorListener {
        @Subscribe(OtherContract.happened)
        on(): void {}
      }

      @ContractController(OtherContract)
      class OtherListener {
        @Subscribe(OtherContract.happened)
        on(): void {}

        @Handle(OtherContract.act)
        act(@Payload() text: Text): Text {
          return text;
        }
      }

      expect(seamExtrasOf(DoorListener.prototype.on)).toEqual({
        kind: 'event',
        owner: 'other',
        subscriber: 'door',
        subscribers: ['*'],
      });
      expect(seamExtrasOf(OtherListener.prototype.on)).toEqual({
        kind: 'event',
        owner: 'other',
        subscriber: 'other',
        subscribers: ['*'],
      });
      expect(seamExtrasOf(OtherListener.prototype.act)).toEqual({
        kind: 'request',
        owner: 'other',
        access: { callers: ['*'], onBehalfOf: undefined, systemCallers: undefined },
      });
    });

    it('leaves a @Subscribe method outside a @ContractController without subscriber', () => {
      class Undeclared {
        @Subscribe(OtherContract.happened)
        on(): void {}
      }
      expect(seamExtrasOf(Undeclared.prototype.on)).toEqual({ kind: 'event', owner: 'other', subscribers: ['*'] });
    });
  });

  describe('Handle', () => {
    it('lets valid input through, with or without validation', async () => {
      await expect(client.send(DoorContract.echo, { text: 'hello' })).resolves.toEqual({ text: 'hello' });
      await expect(client.send(DoorContract.echoUnchecked, { text: 'hello' })).resolves.toEqual({ text: 'hello' });
    });

    it('refuses input of the wrong type by default, naming the field', async () => {
      const error = await failureOf(client.send(DoorContract.echo, { text: 42 } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path)).toEqual(['text']);
    });

    it('refuses unknown fields by default', async () => {
      const error = await failureOf(client.send(DoorContract.echo, { text: 'hello', admin: true } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path)).toEqual(['admin']);
    });

    it('with validation: false, lets invalid input through as sent', async () => {
      await expect(client.send(DoorContract.echoUnchecked, { text: 42 } as never)).resolves.toEqual({ text: 42 });
      await expect(client.send(DoorContract.echoUnchecked, { text: 'hello', admin: true } as never)).resolves.toEqual({
        text: 'hello',
        admin: true,
      });
    });
  });

  describe('Subscribe', () => {
    it('delivers another module’s event to the controller’s module', async () => {
      // Only the module that owns an event may publish it.
      await new SeamClient(app.get(TransportRouter), 'other').emit(OtherContract.happened, { text: 'it happened' });
      await eventually(() => expect(heard).toEqual(['it happened']));
    });
  });
});
