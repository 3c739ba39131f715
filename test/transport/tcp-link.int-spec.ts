// TCP link authentication against a real server in this process, over plain TCP and over mutual
// TLS: a Seam client with the pair keys proves them once per connection and is served; with other
// keys its calls fail as UNAUTHENTICATED (link-refused) before a frame is handled; a client
// without keys is refused each envelope (missing). Over TLS the proof is bound to the session.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  authRejections,
  type CallMetadata,
  createTransportServers,
  deriveMeshKeys,
  EnvelopeAuth,
  InProcessBus,
  MeshKeys,
  type ResolvedSeamOptions,
  SEAM_OPTIONS,
  type SeamError,
  SeamTcpClient,
  SeamTcpServer,
  type SeamTlsOptions,
} from '@seam/transport';
import { freePort } from '@seam/testing';
import { CALLEE_MODULES, ProbeAppModule } from '../parity/fixtures/probe-app.module.js';
import { frame, RawTcpPeer } from '../hostile/support/raw-tcp-peer.js';
import { opensslUnavailableReason, TestPki } from '../support/test-pki.js';

const METADATA = { traceparent: '', 'seam-caller': 'link-test', 'seam-budget-ms': '5000' } as CallMetadata;
const identities = [...CALLEE_MODULES, 'link-test'];
const authOf = (self: string[], master = Buffer.alloc(32, 3)) =>
  new EnvelopeAuth({ keys: MeshKeys.from(deriveMeshKeys({ master, keyIds: ['k1'], self, identities })) });

function call(client: SeamTcpClient, text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.request(
      { pattern: 'probe.echo-message', data: { text, count: 1 }, metadata: METADATA },
      (error, response) => (error === undefined ? resolve(response) : reject(error as SeamError)),
    );
  });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ unexpected: value }),
    (error) => error,
  );

const pkiSkip = opensslUnavailableReason();

describe.each([
  ['plain TCP', false],
  ['mutual TLS', true],
])('Seam TCP link authentication over %s', (_name, withTls) => {
  const skip = withTls ? pkiSkip : undefined;
  const suite = skip ? describe.skip : describe;
  suite(skip ? `skipped: ${skip}` : 'a real server with mesh keys', () => {
    let pki: TestPki | undefined;
    let tls: { server?: SeamTlsOptions; client?: SeamTlsOptions } = {};
    let port: number;
    let callee: INestApplication;
    let server: SeamTcpServer;
    const clients: SeamTcpClient[] = [];
    const clientWith = (auth?: EnvelopeAuth) => {
      const client = new SeamTcpClient({ host: '127.0.0.1', port, tls: tls.client, auth, modules: CALLEE_MODULES });
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      if (withTls) {
        pki = TestPki.create('link');
        const serverCert = pki.issue('probe', ['probe', '127.0.0.1']);
        const clientCert = pki.issue('caller', ['caller']);
        tls = {
          server: { cert: serverCert.cert, key: serverCert.key, ca: pki.ca.cert },
          client: { cert: clientCert.cert, key: clientCert.key, ca: pki.ca.cert },
        };
      }
      port = await freePort();
      const endpoint = { transport: 'tcp' as const, host: '127.0.0.1', port };
      const ref = await Test.createTestingModule({
        imports: [
          ProbeAppModule.with({
            hosted: CALLEE_MODULES,
            endpoints: Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpoint])),
            bus: new InProcessBus(),
            tls: tls.server,
            auth: authOf(CALLEE_MODULES),
          }),
        ],
      }).compile();
      callee = ref.createNestApplication({ logger: false });
      const servers = createTransportServers(callee.get<ResolvedSeamOptions>(SEAM_OPTIONS));
      for (const strategy of servers) callee.connectMicroservice({ strategy }, { inheritAppConfig: true });
      await callee.startAllMicroservices();
      await callee.init();
      server = servers.find((candidate) => candidate instanceof SeamTcpServer)!;
    }, 60_000);

    afterAll(async () => {
      await Promise.allSettled(clients.map((client) => client.close()));
      await callee?.close();
      pki?.remove();
    });

    it('serves a client holding the pair keys, many calls on one proven connection', async () => {
      const client = clientWith(authOf(['link-test']));
      const replies = await Promise.all(Array.from({ length: 20 }, (_, n) => call(client, `m${n}`)));
      expect(replies).toEqual(Array.from({ length: 20 }, (_, n) => ({ text: `m${n}`, count: 1 })));
      expect(server.stats.connections).toBeGreaterThanOrEqual(1);
    });

    it('fails the calls of a client with other keys as UNAUTHENTICATED (link-refused), counted', async () => {
      const before = authRejections.count('link-refused');
      const error = await failure(call(clientWith(authOf(['link-test'], Buffer.alloc(32, 4))), 'forged'));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'link-refused' } });
      // Both ends live in this process: the server's refusal and the client's are both counted.
      expect(authRejections.count('link-refused')).toBeGreaterThan(before);
    });

    // A peer the client dials for "elsewhere" (a module placed at the peer's address) passes the
    // real server's challenge on, hoping to relay the client's proof back and speak on the server
    // as the client. Over TLS the session binding stops this anyway (and the peer would need a
    // certificate); over plain TCP only the client's knowledge of what it dialled for does.
    if (!withTls)
      it('gives a peer that relays this server’s challenge to a client dialling another module no proof to relay', async () => {
        const upstream = await RawTcpPeer.open(port);
        const fromClient: string[] = [];
        const relay = createServer((socket) => {
          socket.on('error', () => undefined);
          socket.on('data', (chunk) => fromClient.push(chunk.toString('utf8')));
          void upstream
            .linkFrame(0)
            .then((challenge) => socket.write(frame(JSON.stringify({ 'seam-link': challenge }))));
        });
        await new Promise<void>((listening) => relay.listen(0, '127.0.0.1', listening));
        const client = new SeamTcpClient({
          host: '127.0.0.1',
          port: (relay.address() as AddressInfo).port,
          auth: authOf(['link-test']),
          modules: ['elsewhere'],
        });
        try {
          const error = await failure(call(client, 'relayed'));
          expect(error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'link-refused' } });
          expect((error as Error).message).toMatch(/does not host what the topology places there \(elsewhere\)/);
          expect(fromClient.join('')).not.toContain('seam-link');
        } finally {
          await client.close();
          upstream.destroy();
          await new Promise((closed) => relay.close(closed));
        }
      });

    it('refuses each envelope of a client without keys (missing), and keeps serving', async () => {
      const error = await failure(call(clientWith(), 'bare'));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing' } });
      await expect(call(clientWith(authOf(['link-test'])), 'after')).resolves.toEqual({ text: 'after', count: 1 });
    });
  });
});

describe('Seam TCP link authentication, a connection closed before the link is settled', () => {
  it('fails the call at once as UNAVAILABLE, not after the link timer as UNAUTHENTICATED', async () => {
    const port = await freePort();
    const server = new SeamTcpServer({
      host: '127.0.0.1',
      port,
      hosted: ['probe'],
      auth: authOf(['probe']),
      maxConnections: 1,
    });
    await new Promise<void>((listening, failed) =>
      server.listen((error?: unknown) => (error ? failed(error) : listening())),
    );
    // The one connection the server takes; Node closes any other as soon as it is accepted.
    const hog = await RawTcpPeer.open(port);
    await hog.linkFrame(0);
    const client = new SeamTcpClient({ host: '127.0.0.1', port, auth: authOf(['link-test']), modules: ['probe'] });
    try {
      const started = performance.now();
      const error = await failure(call(client, 'refused'));
      expect(error).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/closed while authenticating/),
      });
      // The link timer is 10 s; a closed connection is known within a turn or two of the loop.
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await client.close();
      hog.destroy();
      await server.close();
    }
  });
});
