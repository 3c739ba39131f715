import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '@seam/testing';
import { MeshKeys } from '@seam/transport';
import { RUN_FAILED, startTopology, USAGE_ERROR } from '../../tools/start-topology/start-topology.cli.js';
import { planTopology } from '../../tools/start-topology/topology-plan.js';
import { movedTopologyFile } from './support/moved-topology-file.js';
import { serviceInstancesOf } from './support/shipped-topology.js';

/** Runs the CLI in this process; only runs that fail before starting anything belong here. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const status = await startTopology(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    cwd: process.cwd(),
    colour: false,
    onStopSignal: () => {
      throw new Error('the run started processes');
    },
  });
  return { status, stdout, stderr };
}

const holders: Server[] = [];
/** Takes a port the way another program would. */
async function hold(port: number, host?: string): Promise<void> {
  const server = createServer();
  holders.push(server);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
}

describe('npm run start:topology', () => {
  afterEach(async () => {
    await Promise.all(holders.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  describe('its command line', () => {
    it('refuses an unknown topology, naming the ones the file has', async () => {
      const { status, stderr } = await run(['split-tpc']);
      expect(status).toBe(USAGE_ERROR);
      expect(stderr).toContain('unknown topology "split-tpc": choose one of monolith, split-tcp, split-redis, mixed');
    });

    it.each(['3000000', 'Infinity', '1e400', '0', 'soon'])(
      'refuses --ready-timeout %s, which setTimeout could not wait for, before checking anything',
      async (seconds) => {
        // A Redis that is not there: were the flag taken, the run would stop at the preflight instead.
        const { status, stderr } = await run(['split-redis', '--ready-timeout', seconds], {
          REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        });
        expect(status).toBe(USAGE_ERROR);
        expect(stderr).toContain('--ready-timeout must be a number of seconds above 0 and at most 86400');
      },
    );

    it('asks for a topology when given none, naming them', async () => {
      const { status, stderr } = await run([]);
      expect(status).toBe(USAGE_ERROR);
      expect(stderr).toContain('name one topology: monolith, split-tcp, split-redis, mixed');
      expect(stderr).toContain('Usage: npm run start:topology -- <topology>');
    });
  });

  describe('what it checks before starting anything', () => {
    it('a taken port: names the port and the process that needs it, every one at once', async () => {
      const file = await movedTopologyFile('split-tcp');
      const plan = planTopology('split-tcp', { SEAM_TOPOLOGY_FILE: file }, process.cwd(), randomBytes(32));
      const orders = plan.topology.services.find(({ module }) => module === 'orders')!;
      const ordersPort = orders.address.transport === 'tcp' ? orders.address.port : Number.NaN;
      const edgePort = await freePort();
      await hold(ordersPort, '127.0.0.1');
      await hold(edgePort);

      const { status, stderr } = await run(['split-tcp'], { SEAM_TOPOLOGY_FILE: file, PORT: String(edgePort) });

      expect(status).toBe(RUN_FAILED);
      expect(stderr).toContain('cannot start "split-tcp", nothing was started');
      expect(stderr).toContain(
        `port ${ordersPort} is already in use (127.0.0.1:${ordersPort}), but the orders service (tcp://127.0.0.1:${ordersPort}) needs it`,
      );
      expect(stderr).toContain(`port ${edgePort} is already in use (*:${edgePort}), but the monolith's HTTP port`);
    });

    it('a Redis topology without a Redis: says where it looked and what to do', async () => {
      const closed = await freePort();
      const { status, stderr } = await run(['split-redis'], {
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        PORT: String(await freePort()),
      });
      expect(status).toBe(RUN_FAILED);
      expect(stderr).toContain(
        `topology "split-redis" needs Redis at redis://127.0.0.1:${closed}, which does not answer`,
      );
      expect(stderr).toContain('point REDIS_URL at yours');
    }, 30_000);
  });

  describe('planTopology', () => {
    it('gives every process the pair keys of its own modules, from one master, and no insecure flag', () => {
      const plan = planTopology('split-tcp', {}, process.cwd(), randomBytes(32));
      const keysOf = (name: string) =>
        MeshKeys.parse(plan.processes.find((planned) => planned.name === name)!.env.SEAM_MESH_KEYS!);
      const orders = keysOf('orders');
      const payments = keysOf('payments');

      // identity, catalog, inventory, payments, orders (and any module added since), then the edge.
      expect(plan.processes.map(({ name }) => name)).toEqual([...serviceInstancesOf('split-tcp'), 'monolith']);
      expect(orders.holdsPair('orders', 'payments')).toBe(true);
      expect(orders.holdsPair('payments', 'inventory')).toBe(false);
      expect(keysOf('monolith').holdsPair('edge', 'orders')).toBe(true);
      expect(orders.key('local', 'orders', 'payments')!.export()).toEqual(
        payments.key('local', 'orders', 'payments')!.export(),
      );
      for (const { env } of plan.processes) expect(env).not.toHaveProperty('SEAM_INSECURE_TRANSPORT');
    });

    it("keeps the edge's PORT from the services, which listen on their own httpPort", () => {
      const plan = planTopology('split-tcp', { PORT: '3999' }, process.cwd(), randomBytes(32));
      const services = plan.processes.filter(({ role }) => role.kind === 'service');
      for (const { env } of services) expect(Object.hasOwn(env, 'PORT') && env.PORT === undefined).toBe(true);
      expect(plan.processes.at(-1)!.listeners.map(({ port }) => port)).toEqual([3999]);
    });

    it('moves the Redis addresses to REDIS_URL, unless an address override names one', () => {
      const plan = planTopology(
        'split-redis',
        { REDIS_URL: 'redis://10.0.0.9:6390', SEAM_ORDERS_ADDRESS: 'redis://10.0.0.8:6379' },
        process.cwd(),
        randomBytes(32),
      );
      expect(plan.redis.map((endpoint) => (endpoint.transport === 'redis' ? endpoint.url : ''))).toEqual([
        'redis://10.0.0.9:6390',
        'redis://10.0.0.8:6379',
      ]);
      expect(plan.processes.filter(({ name }) => name.startsWith('inventory')).map(({ name }) => name)).toEqual([
        'inventory#1',
        'inventory#2',
      ]);
    });
  });
});
