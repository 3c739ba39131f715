import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Topology } from '@seam/runtime';
import { freePort } from '@seam/testing';
import { DashboardData } from './dashboard-data.js';
import { RecentSpans } from './recent-spans.js';

// A split topology as the edge sees it: payments' service answers /metrics on its fixed HTTP
// port, inventory's does not answer at all. The reading sums what answered and says what did not.

const PAYMENTS_METRICS = `# TYPE seam_calls_total counter
seam_calls_total{caller="payments",callee="catalog",entry="catalog.get-prices",transport="tcp",outcome="ok"} 5
seam_calls_total{caller="payments",callee="catalog",entry="catalog.get-prices",transport="tcp",outcome="UNAVAILABLE"} 1
seam_module_hosted{module="payments"} 1
seam_outbox_pending{module="payments"} 3
seam_outbox_dead_letters{module="payments"} 2
`;

describe('DashboardData', () => {
  let server: Server;
  let topology: Topology;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/metrics') response.end(PAYMENTS_METRICS);
      else response.writeHead(404).end();
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const tcp = (port: number) => ({ transport: 'tcp' as const, host: '127.0.0.1', port });
    topology = {
      name: 'test-split',
      description: '',
      modules: ['orders', 'payments', 'inventory'],
      monolith: { modules: ['orders'] },
      services: [
        { module: 'payments', address: tcp(4104), replicas: 1, httpPort: (server.address() as AddressInfo).port },
        { module: 'inventory', address: tcp(4103), replicas: 2, httpPort: await freePort() },
      ],
    };
  });

  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  describe('snapshot', () => {
    it("sums the services' figures with the edge's, and says which service did not answer", async () => {
      const data = await new DashboardData(topology, new RecentSpans(10)).snapshot();

      expect(data.topology).toBe('test-split');
      expect(data.links).toContainEqual(
        expect.objectContaining({ caller: 'payments', callee: 'catalog', calls: 6, errors: 1, transports: ['tcp'] }),
      );
      const payments = data.modules.find(({ name }) => name === 'payments');
      expect(payments).toMatchObject({ runs: 'service', liveReplicas: 1, outboxPending: 3, deadLetters: 2 });
      expect(payments!.address).toBe('tcp://127.0.0.1:4104');
      const inventory = data.modules.find(({ name }) => name === 'inventory');
      expect(inventory).toMatchObject({ runs: 'service', replicas: 2 });
      expect(inventory!.liveReplicas).toBeUndefined();
      expect(data.modules.find(({ name }) => name === 'orders')).toMatchObject({ runs: 'edge' });
      expect(data.sources.map(({ ok }) => ok)).toEqual([true, true, false]);
      expect(data.sources[2]!.name).toContain(`:${topology.services[1]!.httpPort}/metrics`);
    });
  });
});
