import { afterEach, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Payload, Server } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { eventually } from '@seam/testing';
import { IsString } from 'class-validator';
import { CallContext } from '../context/call-context.js';
import { defineContract, event } from '../contracts/define-contract.js';
import { ContractController, Subscribe } from '../door/handler.decorators.js';
import type { SeamHandlerExtras } from '../door/seam-extras.js';
import type { Endpoint } from '../module/endpoint.js';
import { resolveOptions } from '../module/resolve-options.js';
import type { SeamTransportOptions } from '../module/seam-options.js';
import { createTransportServers } from './create-transport.js';
import { InProcessBus } from './in-process/in-process.bus.js';
import { InProcessClient } from './in-process/in-process.client.js';
import { InProcessServer } from './in-process/in-process.server.js';
import { RedisStreamsServer } from './redis/redis-streams.server.js';
import { SeamRedisPubSubServer } from './redis/redis-pubsub.server.js';
import { SeamTcpServer } from './tcp/seam-tcp.server.js';

const TCP_A: Endpoint = { transport: 'tcp', host: '127.0.0.1', port: 4011 };
const TCP_B: Endpoint = { transport: 'tcp', host: '127.0.0.1', port: 4012 };
const BROKER = 'redis://broker:6379';

function servers(options: SeamTransportOptions): CustomTransportStrategy[] {
  return createTransportServers(resolveOptions({ bus: new InProcessBus(), ...options }));
}

const kinds = (list: CustomTransportStrategy[]) => list.map((server) => server.constructor.name);

/**
 * What a server says when it is given a handler of a module it does not host: its name and the
 * modules it hosts. It refuses before binding a port or connecting to Redis.
 */
async function refusal(server: CustomTransportStrategy): Promise<string> {
  expect(server).toBeInstanceOf(Server);
  const strategy = server as unknown as Server;
  const stranger: MessageHandler = async () => undefined;
  const extras = { seam: { kind: 'request', owner: 'stranger' } satisfies SeamHandlerExtras };
  strategy.addHandler('stranger.do-work', stranger, false, extras);
  const error = await new Promise<unknown>((resolve) => void strategy.listen(resolve));
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('create-transport', () => {
  describe('createTransportServers', () => {
    it.each<[string, SeamTransportOptions]>([
      ['nothing hosted', { hosted: [] }],
      ['hosted modules without endpoints', { hosted: ['orders', 'catalog'] }],
      [
        'a hosted module with an in-process endpoint',
        { hosted: ['orders'], endpoints: { orders: { transport: 'in-process' } } },
      ],
      [
        'endpoints of modules running elsewhere only',
        { hosted: ['orders'], endpoints: { payments: TCP_A, stock: { transport: 'redis', url: BROKER } } },
      ],
    ])('returns only the in-process server for %s', (_, options) => {
      const list = servers(options);
      expect(list).toHaveLength(1);
      expect(list[0]).toBeInstanceOf(InProcessServer);
    });

    it('gives the in-process server every hosted module, whatever its endpoint', async () => {
      const [inProcess] = servers({
        hosted: ['orders', 'payments', 'catalog'],
        endpoints: { payments: TCP_A, catalog: { transport: 'redis', url: BROKER } },
      });
      expect(await refusal(inProcess!)).toContain('(hosted: orders, payments, catalog)');
    });

    it('adds one TCP server per distinct TCP endpoint of hosted modules, serving the modules behind it', async () => {
      const list = servers({
        hosted: ['orders', 'payments', 'catalog'],
        endpoints: {
          orders: TCP_A,
          payments: TCP_A,
          catalog: TCP_B,
          shipping: { transport: 'tcp', host: '127.0.0.1', port: 4013 },
        },
      });
      expect(kinds(list)).toEqual(['InProcessServer', 'SeamTcpServer', 'SeamTcpServer']);
      expect(list[1]).toBeInstanceOf(SeamTcpServer);
      expect(await refusal(list[1]!)).toBe(
        'TCP server on port 4011 has handlers of module(s) stranger, which it does not host (hosted: orders, payments)',
      );
      expect(await refusal(list[2]!)).toBe(
        'TCP server on port 4012 has handlers of module(s) stranger, which it does not host (hosted: catalog)',
      );
    });

    it.each<[string, Endpoint]>([
      ['default', { transport: 'redis', url: BROKER }],
      ['streams', { transport: 'redis', url: BROKER, mode: 'streams' }],
    ])('serves a Redis endpoint (%s mode) with a RedisStreamsServer', async (_, endpoint) => {
      const list = servers({ hosted: ['catalog', 'orders'], endpoints: { catalog: endpoint, orders: endpoint } });
      expect(list).toHaveLength(2);
      expect(list[1]).toBeInstanceOf(RedisStreamsServer);
      expect(await refusal(list[1]!)).toBe(
        `Redis streams server (${BROKER}) has handlers of module(s) stranger, which it does not host (hosted: catalog, orders)`,
      );
    });

    it('serves a Redis endpoint in pubsub mode with a SeamRedisPubSubServer', async () => {
      const list = servers({
        hosted: ['stock'],
        endpoints: { stock: { transport: 'redis', url: BROKER, mode: 'pubsub' } },
      });
      expect(list).toHaveLength(2);
      expect(list[1]).toBeInstanceOf(SeamRedisPubSubServer);
      expect(await refusal(list[1]!)).toContain('(hosted: stock)');
    });

    it('gives each mode of one Redis URL a server of its own', () => {
      const list = servers({
        hosted: ['catalog', 'stock'],
        endpoints: {
          catalog: { transport: 'redis', url: BROKER },
          stock: { transport: 'redis', url: BROKER, mode: 'pubsub' },
        },
      });
      expect(kinds(list)).toEqual(['InProcessServer', 'RedisStreamsServer', 'SeamRedisPubSubServer']);
    });

    describe('the in-process server’s event intake', () => {
      class Thing {
        @IsString() id!: string;
      }
      const SourceContract = defineContract('source', {
        thingHappened: event({ pattern: 'source.thing.happened', subscribers: ['*'], payload: Thing }),
      });
      const received: string[] = [];

      // The broker-fed listener is registered first: were it in the intake, its handler would be
      // invoked before the others in the same dispatch, so it would have run by the time they did.
      @ContractController(defineContract('broker-listener', {}))
      class BrokerListenerController {
        @Subscribe(SourceContract.thingHappened)
        on(@Payload() thing: Thing): void {
          received.push(`broker-listener:${thing.id}`);
        }
      }

      @ContractController(defineContract('local-listener', {}))
      class LocalListenerController {
        @Subscribe(SourceContract.thingHappened)
        on(@Payload() thing: Thing): void {
          received.push(`local-listener:${thing.id}`);
        }
      }

      @ContractController(defineContract('tcp-listener', {}))
      class TcpListenerController {
        @Subscribe(SourceContract.thingHappened)
        on(@Payload() thing: Thing): void {
          received.push(`tcp-listener:${thing.id}`);
        }
      }

      @Module({ controllers: [BrokerListenerController, LocalListenerController, TcpListenerController] })
      class ListenersModule {}

      const apps: INestApplication[] = [];
      afterEach(async () => {
        await Promise.all(apps.splice(0).map((app) => app.close()));
        received.length = 0;
      });

      /** Starts the listeners with only the in-process server built from `endpoints`; returns its bus. */
      async function startListeners(endpoints: Record<string, Endpoint>): Promise<InProcessBus> {
        const bus = new InProcessBus();
        const hosted = ['broker-listener', 'local-listener', 'tcp-listener'];
        const inProcess = createTransportServers(resolveOptions({ hosted, endpoints, bus })).find(
          (server) => server instanceof InProcessServer,
        );
        const moduleRef = await Test.createTestingModule({ imports: [ListenersModule] }).compile();
        const app = moduleRef.createNestApplication({ logger: false });
        apps.push(app);
        app.connectMicroservice({ strategy: inProcess! });
        await app.startAllMicroservices();
        await app.init();
        return bus;
      }

      function emitLocally(bus: InProcessBus, id: string): Promise<void> {
        const metadata = CallContext.outgoing(undefined, 'source', 1_000);
        return new InProcessClient({ bus }).publishEvent({
          pattern: SourceContract.thingHappened.pattern,
          data: { id },
          metadata,
        });
      }

      it('delivers a local event to every subscriber when no module is fed by a broker', async () => {
        const bus = await startListeners({ 'tcp-listener': TCP_A });
        await emitLocally(bus, 'e1');
        await eventually(() =>
          expect(received.toSorted()).toEqual(['broker-listener:e1', 'local-listener:e1', 'tcp-listener:e1']),
        );
      });

      it('leaves out a hosted module whose endpoint is a broker (it gets the event from the broker)', async () => {
        const bus = await startListeners({
          'tcp-listener': TCP_A,
          'broker-listener': { transport: 'redis', url: BROKER },
        });
        await emitLocally(bus, 'e2');
        await eventually(() => expect(received.toSorted()).toEqual(['local-listener:e2', 'tcp-listener:e2']));
        expect(received).not.toContain('broker-listener:e2');
      });
    });
  });
});
