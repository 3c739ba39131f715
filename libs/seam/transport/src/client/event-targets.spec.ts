import { afterEach, describe, expect, it } from '@jest/globals';
import { ANY_CALLER } from '../contracts/contract.types.js';
import { resolveOptions } from '../module/resolve-options.js';
import type { SeamTransportOptions } from '../module/seam-options.js';
import { InProcessClient } from '../transports/in-process/in-process.client.js';
import type { SeamTransportClient } from '../transports/transport-client.js';
import { TransportRouter } from './transport-router.js';

/** An event named `pattern` that `subscribers` may take (what routing reads of a contract entry). */
const eventOf = (subscribers: string[], pattern = 'orders.order.placed') => ({ pattern, subscribers });
const toEveryone = eventOf([ANY_CALLER]);

const endpointsOf = (clients: SeamTransportClient[]) => clients.map((client) => client.endpoint).toSorted();

describe('TransportRouter', () => {
  const routers: TransportRouter[] = [];
  const router = (options: SeamTransportOptions) => {
    const created = new TransportRouter(resolveOptions(options));
    routers.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(routers.splice(0).map((created) => created.close()));
  });

  describe('eventTargets', () => {
    it('for an event anyone may take, lists the in-process client, each broker once and the TCP endpoint of each module running elsewhere', () => {
      const subject = router({
        hosted: ['orders', 'catalog', 'billing'],
        endpoints: {
          orders: { transport: 'tcp', host: '127.0.0.1', port: 4001 },
          catalog: { transport: 'redis', url: 'redis://broker:6379' },
          billing: { transport: 'in-process' },
          payments: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
          shipping: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
          identity: { transport: 'tcp', host: '10.0.0.2', port: 4010 },
          inventory: { transport: 'redis', url: 'redis://broker:6379' },
          stock: { transport: 'redis', url: 'redis://broker:6379', mode: 'pubsub' },
          mailer: { transport: 'in-process' },
        },
      });
      expect(endpointsOf(subject.eventTargets(toEveryone))).toEqual(
        [
          'in-process',
          'redis-streams+redis://broker:6379',
          'redis-pubsub+redis://broker:6379',
          'tcp://10.0.0.1:4010',
          'tcp://10.0.0.2:4010',
        ].toSorted(),
      );
    });

    it('leaves out the TCP endpoint of a hosted module (its own server) but keeps a hosted module’s broker', () => {
      const subject = router({
        hosted: ['orders', 'catalog'],
        endpoints: {
          orders: { transport: 'tcp', host: '127.0.0.1', port: 4001 },
          catalog: { transport: 'redis', url: 'redis://broker:6379' },
        },
      });
      expect(endpointsOf(subject.eventTargets(toEveryone))).toEqual([
        'in-process',
        'redis-streams+redis://broker:6379',
      ]);
    });

    it('is only the in-process client without endpoints', () => {
      const targets = router({ hosted: ['orders'] }).eventTargets(toEveryone);
      expect(targets).toHaveLength(1);
      expect(targets[0]).toBeInstanceOf(InProcessClient);
    });

    describe('for an event with named subscribers', () => {
      const topology: SeamTransportOptions = {
        hosted: ['orders', 'catalog'],
        endpoints: {
          orders: { transport: 'tcp', host: '127.0.0.1', port: 4001 },
          catalog: { transport: 'redis', url: 'redis://broker:6379' },
          inventory: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
          stock: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
          payments: { transport: 'tcp', host: '10.0.0.2', port: 4010 },
          shipping: { transport: 'redis', url: 'redis://broker:6379', mode: 'pubsub' },
          identity: { transport: 'redis', url: 'redis://other:6379' },
        },
      };

      it('lists the in-process client and only the endpoints hosting a named module', () => {
        const subject = router(topology);
        expect(endpointsOf(subject.eventTargets(eventOf(['inventory'])))).toEqual([
          'in-process',
          'tcp://10.0.0.1:4010',
        ]);
        expect(
          endpointsOf(subject.eventTargets(eventOf(['inventory', 'stock', 'shipping'], 'orders.order.paid'))),
        ).toEqual(['in-process', 'redis-pubsub+redis://broker:6379', 'tcp://10.0.0.1:4010'].toSorted());
      });

      it('keeps the broker of a named module hosted here (it takes events from the broker), not its own TCP server', () => {
        const subject = router(topology);
        expect(endpointsOf(subject.eventTargets(eventOf(['catalog', 'orders'])))).toEqual([
          'in-process',
          'redis-streams+redis://broker:6379',
        ]);
      });

      it('is only the in-process client when no named module has an endpoint', () => {
        const subject = router(topology);
        expect(endpointsOf(subject.eventTargets(eventOf(['mailer'])))).toEqual(['in-process']);
        expect(endpointsOf(subject.eventTargets(eventOf([], 'orders.order.dropped')))).toEqual(['in-process']);
      });

      it('computes the targets of a pattern once, and again when it comes with another list', () => {
        const subject = router(topology);
        const subscribers = ['payments'];
        const first = subject.eventTargets(eventOf(subscribers));
        expect(subject.eventTargets(eventOf(subscribers))).toBe(first);
        expect(subject.eventTargets(eventOf(['payments']))).toBe(first);
        expect(endpointsOf(subject.eventTargets(eventOf(['identity'])))).toEqual([
          'in-process',
          'redis-streams+redis://other:6379',
        ]);
      });
    });

    it('shares its clients with clientFor', () => {
      const subject = router({
        hosted: [],
        endpoints: { payments: { transport: 'tcp', host: '10.0.0.1', port: 4010 } },
      });
      const targets = subject.eventTargets(toEveryone);
      expect(targets).toContain(subject.clientFor('payments'));
      expect(targets).toContain(subject.clientFor('orders'));
    });
  });
});
