// Mutual TLS on Seam's TCP transport, against a real TLS server in this process: only a caller
// presenting a certificate the deployment's CA signed is served; a caller without one, with one
// from another CA, or speaking plain TCP is refused before any frame is read, and the server keeps
// serving. Seam's framing limits (first-frame timeout, connection limit, bad frames) still apply.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  type CallMetadata,
  createTransportServers,
  type Endpoint,
  InProcessBus,
  type ResolvedSeamOptions,
  SEAM_OPTIONS,
  SeamClient,
  type SeamError,
  SeamTcpClient,
  SeamTcpServer,
  type SeamTlsOptions,
} from '@seam/transport';
import { eventually, freePort } from '@seam/testing';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { CALLEE_MODULES, CallerAppModule, ProbeAppModule } from '../parity/fixtures/probe-app.module.js';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { opensslUnavailableReason, type IssuedCertificate, TestPki } from '../support/test-pki.js';

const skipReason = opensslUnavailableReason();
const suite = skipReason ? describe.skip : describe;

// Far above what a loaded 2-core machine adds to a handshake, far below the test timeout.
const FIRST_FRAME_MS = 1_500;
const MAX_CONNECTIONS = 8;
const CLOSED_WITHIN_MS = 10_000;
const METADATA = { traceparent: '', 'seam-caller': 'tls-test', 'seam-budget-ms': '5000' } as CallMetadata;

interface Outcome {
  /** Bytes the server sent back (a reply), if any. */
  received: string;
  /** The error the socket reported, if any (e.g. an alert from the server). */
  error?: string;
}

/** Connects with `options`, sends `payload` once connected, and reports what came back until the server closed. */
function attempt(connectOptions: ConnectionOptions & { plain?: boolean }, payload: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const { plain, ...options } = connectOptions;
    const socket = plain ? netConnect(options.port!, options.host) : tlsConnect(options);
    let received = '';
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${CLOSED_WITHIN_MS} ms`));
    }, CLOSED_WITHIN_MS);
    socket.on(plain ? 'connect' : 'secureConnect', () => socket.write(payload));
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', (cause) => (error = cause.message));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, error });
    });
  });
}

function frame(id: string): string {
  const json = JSON.stringify({ id, pattern: 'probe.echo-message', data: { text: id, count: 1 }, metadata: METADATA });
  return `${json.length}#${json}`;
}

function requestThrough(client: SeamTcpClient, text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.request(
      { pattern: 'probe.echo-message', data: { text, count: 1 }, metadata: METADATA },
      (error, response) => (error === undefined ? resolve(response) : reject(error as SeamError)),
    );
  });
}

suite(`Seam TCP over mutual TLS${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let serverCert: IssuedCertificate;
  let callerCert: IssuedCertificate;
  let port: number;
  let callee: INestApplication;
  let caller: INestApplication;
  let server: SeamTcpServer;
  const clients: SeamTcpClient[] = [];
  const tlsOf = (cert: IssuedCertificate, ca = pki.ca.cert): SeamTlsOptions => ({ cert: cert.cert, key: cert.key, ca });
  const clientWith = (tls?: SeamTlsOptions) => {
    const client = new SeamTcpClient({ host: '127.0.0.1', port, tls });
    clients.push(client);
    return client;
  };
  const honestCall = (text: string) => caller.get(SeamClient).send(ProbeContract.echo, { text, count: 3 });
  const expectStillServing = async (text: string) => expect(await honestCall(text)).toEqual({ text, count: 3 });
  const rejections = () => server.stats.rejections;

  beforeAll(async () => {
    pki = TestPki.create('seam');
    otherPki = TestPki.create('other');
    // The server is reached at 127.0.0.1 and named "probe"; the caller's certificate names the caller.
    serverCert = pki.issue('probe', ['probe', 'localhost', '127.0.0.1']);
    callerCert = pki.issue('caller', ['caller']);
    port = await freePort();
    const endpoint: Endpoint = { transport: 'tcp', host: '127.0.0.1', port };
    const endpoints = Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpoint]));
    const calleeRef = await Test.createTestingModule({
      imports: [
        ProbeAppModule.with({
          hosted: CALLEE_MODULES,
          endpoints,
          bus: new InProcessBus(),
          tls: tlsOf(serverCert),
          tcpServer: { firstFrameTimeoutMs: FIRST_FRAME_MS, maxConnections: MAX_CONNECTIONS },
        }),
      ],
    }).compile();
    callee = calleeRef.createNestApplication({ logger: false });
    const servers = createTransportServers(callee.get<ResolvedSeamOptions>(SEAM_OPTIONS));
    for (const strategy of servers) callee.connectMicroservice({ strategy }, { inheritAppConfig: true });
    await callee.startAllMicroservices();
    await callee.init();
    server = servers.find((candidate) => candidate instanceof SeamTcpServer)!;
    const callerRef = await Test.createTestingModule({
      imports: [CallerAppModule.with({ hosted: [], endpoints, bus: new InProcessBus(), tls: tlsOf(callerCert) })],
    }).compile();
    caller = callerRef.createNestApplication({ logger: false });
    await caller.init();
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await caller?.close();
    await callee?.close();
    pki?.remove();
    otherPki?.remove();
  });

  it('serves a caller presenting a certificate the CA signed, over TLS 1.3', async () => {
    await expectStillServing('hello over TLS');
    const direct = clientWith(tlsOf(callerCert));
    expect(await requestThrough(direct, 'direct')).toEqual({ text: 'direct', count: 1 });
    // Raw, to read the protocol; it waits for its answer so that it leaves no half-done handshake.
    const negotiated = await new Promise<{ protocol: string | null; reply: string }>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ...tlsOf(callerCert), servername: 'probe' });
      socket.on('secureConnect', () => socket.write(frame('raw')));
      socket.on('data', (chunk) => {
        resolve({ protocol: socket.getProtocol(), reply: chunk.toString() });
        socket.destroy();
      });
      socket.on('error', reject);
    });
    expect(negotiated.protocol).toBe('TLSv1.3');
    expect(negotiated.reply).toContain('"text":"raw"');
  });

  it('refuses a TLS client without a certificate before reading its frame, and keeps serving', async () => {
    const before = rejections()['tls-handshake'];
    const outcome = await attempt({ host: '127.0.0.1', port, ca: pki.ca.cert, servername: 'probe' }, frame('nocert'));
    expect(outcome.received).toBe('');
    expect(outcome.error).toMatch(/certificate required|alert|ECONNRESET|socket hang up/i);
    await eventually(() => expect(rejections()['tls-handshake']).toBe(before + 1));
    await expectStillServing('after no certificate');
  });

  it('refuses a client whose certificate another CA signed: the call fails as Unavailable', async () => {
    const foreign = otherPki.issue('caller', ['caller']);
    const before = rejections()['tls-handshake'];
    // It trusts the right CA (so it would accept the server) but presents a foreign certificate.
    const intruder = clientWith(tlsOf(foreign, pki.ca.cert));
    await expect(requestThrough(intruder, 'forged')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await eventually(() => expect(rejections()['tls-handshake']).toBe(before + 1));
    await expectStillServing('after a foreign certificate');
  });

  it('refuses a plain TCP client: the call fails as Unavailable, no frame is handled', async () => {
    const before = rejections()['tls-handshake'];
    await expect(requestThrough(clientWith(undefined), 'plain')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const raw = await attempt({ host: '127.0.0.1', port, plain: true }, frame('plain'));
    expect(raw.received).not.toContain('"response"');
    await eventually(() => expect(rejections()['tls-handshake']).toBeGreaterThanOrEqual(before + 2));
    await expectStillServing('after plain TCP');
  });

  it('makes the client refuse a server its CA did not sign, or whose certificate names another module', async () => {
    const distrustful = clientWith({ ...tlsOf(callerCert), ca: otherPki.ca.cert });
    // Nest's client reports the TLS error itself only in its log: the call sees the closed connection.
    await expect(requestThrough(distrustful, 'x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const wrongName = clientWith({ ...tlsOf(callerCert), serverName: 'payments' });
    await expect(requestThrough(wrongName, 'x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // The control: the same settings with the name the server's certificate carries.
    const rightName = clientWith({ ...tlsOf(callerCert), serverName: 'probe' });
    expect(await requestThrough(rightName, 'named')).toEqual({ text: 'named', count: 1 });
  });

  it('still closes a TLS connection that sends no frame within the first-frame timeout', async () => {
    const before = rejections()['first-frame-timeout'];
    const openedAt = performance.now();
    const outcome = await attempt({ host: '127.0.0.1', port, ...tlsOf(callerCert), servername: 'probe' }, '');
    expect(outcome.received).toBe('');
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(FIRST_FRAME_MS - 5);
    await eventually(() => expect(rejections()['first-frame-timeout']).toBe(before + 1));
  });

  it('closes a connection that never completes its handshake after the same timeout', async () => {
    const before = rejections()['tls-handshake'];
    const openedAt = performance.now();
    const silent = await new Promise<number>((resolve) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(performance.now()));
    });
    expect(silent - openedAt).toBeGreaterThanOrEqual(FIRST_FRAME_MS - 5);
    await eventually(() => expect(rejections()['tls-handshake']).toBe(before + 1));
  });

  it('still rejects a malformed frame sent inside a valid TLS connection', async () => {
    const before = rejections()['invalid-length'];
    const outcome = await attempt({ host: '127.0.0.1', port, ...tlsOf(callerCert), servername: 'probe' }, 'abc#{}');
    expect(outcome.received).toBe('');
    await eventually(() => expect(rejections()['invalid-length']).toBe(before + 1));
    await expectStillServing('after a bad frame');
  });

  it('still applies the connection limit to TLS connections', async () => {
    const before = rejections()['connection-limit'];
    const held: Array<ReturnType<typeof tlsConnect>> = [];
    try {
      // Hold connections until the server reports one dropped at the limit.
      await eventually(
        async () => {
          const socket = tlsConnect({ host: '127.0.0.1', port, ...tlsOf(callerCert), servername: 'probe' });
          socket.on('error', () => undefined);
          held.push(socket);
          await new Promise((resolve) => setTimeout(resolve, 20));
          expect(rejections()['connection-limit']).toBeGreaterThan(before);
        },
        { timeoutMs: 10_000, intervalMs: 0 },
      );
      expect(held.length).toBeLessThanOrEqual(MAX_CONNECTIONS + 2);
    } finally {
      held.forEach((socket) => socket.destroy());
    }
    await eventually(() => expectStillServing('after the limit'), { timeoutMs: 10_000, intervalMs: 200 });
  });
});
