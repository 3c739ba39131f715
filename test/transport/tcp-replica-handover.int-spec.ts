// A replica of a TCP service stops (SIGTERM: `stopTakingWork`) while a caller is connected to it
// through a balancer, as a Kubernetes Service is: its callers must move to the replica that stays,
// without a failed call — the stopping one answers what it started and ends its connections once
// it owes nothing; a call it refuses (`shutting-down`) is sent again on a new connection.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  createTransportServers,
  type Endpoint,
  InProcessBus,
  type ResolvedSeamOptions,
  SEAM_OPTIONS,
  SeamClient,
  SeamTcpServer,
} from '@seam/transport';
import { eventually, freePort } from '@seam/testing';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CALLEE_MODULES, CallerAppModule, ProbeAppModule } from '../parity/fixtures/probe-app.module.js';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';

const tcp = (port: number): Endpoint => ({ transport: 'tcp', host: '127.0.0.1', port });
const endpointsAt = (port: number) => Object.fromEntries(CALLEE_MODULES.map((module) => [module, tcp(port)]));

/** A replica of the probe service listening on `port`, and its TCP server. */
async function startReplica(port: number): Promise<{ app: INestApplication; server: SeamTcpServer }> {
  const moduleRef = await Test.createTestingModule({
    imports: [ProbeAppModule.with({ hosted: CALLEE_MODULES, endpoints: endpointsAt(port), bus: new InProcessBus() })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const servers = createTransportServers(app.get<ResolvedSeamOptions>(SEAM_OPTIONS));
  for (const strategy of servers) app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  return { app, server: servers.find((strategy) => strategy instanceof SeamTcpServer)! };
}

/**
 * A connection-level balancer on `port`: each connection goes to the first backend that accepts
 * it, as a Service routes only to ready pods (a stopping replica no longer listens).
 */
async function startBalancer(port: number, backends: number[]): Promise<Server> {
  const balancer = createServer((inbound) => {
    inbound.on('error', () => undefined);
    const dial = (index: number) => {
      if (index >= backends.length) return inbound.destroy();
      const outbound: Socket = connect(backends[index]!, '127.0.0.1');
      let connected = false;
      outbound.on('error', () => (connected ? inbound.destroy() : dial(index + 1)));
      outbound.once('connect', () => {
        connected = true;
        inbound.pipe(outbound).pipe(inbound);
        outbound.on('close', () => inbound.end());
        inbound.on('close', () => outbound.end());
      });
    };
    dial(0);
  });
  await new Promise<void>((resolve) => balancer.listen(port, '127.0.0.1', resolve));
  return balancer;
}

describe('A TCP replica stopping behind a balancer', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
  });

  async function setUp() {
    const [stoppingPort, stayingPort, balancerPort] = [await freePort(), await freePort(), await freePort()];
    const stopping = await startReplica(stoppingPort);
    cleanups.push(() => stopping.app.close());
    const staying = await startReplica(stayingPort);
    cleanups.push(() => staying.app.close());
    const balancer = await startBalancer(balancerPort, [stoppingPort, stayingPort]);
    cleanups.push(() => new Promise((resolve) => balancer.close(resolve)));
    const callerRef = await Test.createTestingModule({
      imports: [CallerAppModule.with({ hosted: [], endpoints: endpointsAt(balancerPort), bus: new InProcessBus() })],
    }).compile();
    const caller = callerRef.createNestApplication({ logger: false });
    await caller.init();
    cleanups.push(() => caller.close());
    const client = caller.get(SeamClient);
    // The caller's connection goes to the first replica, which is still listening.
    await expect(client.send(ProbeContract.echo, { text: 'first', count: 1 })).resolves.toEqual({
      text: 'first',
      count: 1,
    });
    expect(stopping.server.stats.connections).toBe(1);
    return { client, stopping, staying };
  }

  it('finishes the call in flight, refuses the next one, which the caller sends again to the other replica', async () => {
    const { client, stopping, staying } = await setUp();
    const inFlight = client.send(ProbeContract.sleep, { id: 'slow', ms: 1_000 }, { timeoutMs: 10_000 });
    // Answered after the sleep's frame on the same connection: the sleep has reached its handler.
    await client.send(ProbeContract.echo, { text: 'behind', count: 1 });

    stopping.server.stopTakingWork();
    await expect(client.send(ProbeContract.echo, { text: 'after', count: 2 }, { timeoutMs: 5_000 })).resolves.toEqual({
      text: 'after',
      count: 2,
    });
    expect(staying.server.stats.connections).toBe(1);
    await expect(inFlight).resolves.toMatchObject({ id: 'slow' });
    // Owing nothing more, the stopping replica ends its connection (it does not wait for close()).
    await eventually(() => expect(stopping.server.stats.connections).toBe(0));
  });

  it('ends an idle connection at once, so that the next call goes to the other replica unrefused', async () => {
    const { client, stopping, staying } = await setUp();
    stopping.server.stopTakingWork();
    await eventually(() => expect(stopping.server.stats.connections).toBe(0));
    await expect(client.send(ProbeContract.echo, { text: 'next', count: 3 })).resolves.toEqual({
      text: 'next',
      count: 3,
    });
    expect(staying.server.stats.connections).toBe(1);
  });
});
