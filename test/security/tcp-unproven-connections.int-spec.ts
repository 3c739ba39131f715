// A peer holding no mesh key must not keep a Seam TCP server's connection slots. Before, one
// unauthenticated frame per connection got past the first-frame timeout, and such connections
// stayed open for good: enough of them filled `maxConnections` and every honest caller was
// refused. Real sockets against a real server with mesh keys in this process.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import {
  AUTH_METADATA_KEY,
  type CallMetadata,
  deriveMeshKeys,
  EnvelopeAuth,
  MeshKeys,
  type SeamError,
  SeamTcpClient,
  SeamTcpServer,
} from '@seam/transport';
import { eventually, freePort } from '@seam/testing';
import { RawTcpPeer } from '../hostile/support/raw-tcp-peer.js';

const MAX_CONNECTIONS = 4;
const identities = ['probe', 'caller'];
const authOf = (self: string[], master = Buffer.alloc(32, 9)) =>
  new EnvelopeAuth({ keys: MeshKeys.from(deriveMeshKeys({ master, keyIds: ['k1'], self, identities })) });
const METADATA = { traceparent: '', 'seam-caller': 'caller', 'seam-budget-ms': '5000' } as CallMetadata;
const EXTRAS = { seam: { kind: 'request', owner: 'probe', access: { callers: ['caller'] } } };

describe('Seam TCP server with mesh keys: connections that prove nothing', () => {
  let port: number;
  let server: SeamTcpServer;
  const peers: RawTcpPeer[] = [];
  const clients: SeamTcpClient[] = [];

  const honestCall = (text: string): Promise<unknown> => {
    const client = new SeamTcpClient({ host: '127.0.0.1', port, auth: authOf(['caller']), modules: ['probe'] });
    clients.push(client);
    return new Promise((resolve, reject) =>
      client.request({ pattern: 'probe.echo', data: { text }, metadata: METADATA }, (error, response) =>
        error === undefined ? resolve(response) : reject(error as SeamError),
      ),
    );
  };

  /** `MAX_CONNECTIONS` raw connections, each sending `packet` once. */
  async function fillSlotsWith(packet: (n: number) => Record<string, unknown>): Promise<RawTcpPeer[]> {
    const opened = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => RawTcpPeer.open(port)));
    peers.push(...opened);
    await Promise.all(opened.map((peer, n) => peer.send(packet(n))));
    return opened;
  }

  /** Every connection of the test is gone: where each test starts. */
  async function expectNoConnection(): Promise<void> {
    await eventually(() => expect(server.stats.connections).toBe(0));
  }

  beforeAll(async () => {
    port = await freePort();
    server = new SeamTcpServer({
      host: '127.0.0.1',
      port,
      hosted: ['probe'],
      auth: authOf(['probe']),
      maxConnections: MAX_CONNECTIONS,
    });
    server.addHandler('probe.echo', (async (data: unknown) => data) as MessageHandler, false, EXTRAS);
    await new Promise<void>((listening, failed) =>
      server.listen((error?: unknown) => (error ? failed(error) : listening())),
    );
  });

  afterEach(async () => {
    peers.splice(0).forEach((peer) => peer.destroy());
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
    await expectNoConnection();
  });

  afterAll(() => server.close());

  it.each([
    ['an unsigned request', (n: number) => ({ id: `r${n}`, pattern: 'probe.echo', data: {}, metadata: METADATA })],
    ['an unsigned event', () => ({ pattern: 'probe.something', data: {}, metadata: METADATA })],
    [
      'an event with a forged signature',
      () => ({
        pattern: 'probe.something',
        data: {},
        metadata: {
          ...METADATA,
          [AUTH_METADATA_KEY]: `v1:k1:${Date.now()}:0123456789abcdef-0:probe=${'A'.repeat(43)}`,
        },
      }),
    ],
  ])('closes every connection whose first envelope is %s, and honest callers get a slot', async (_what, packet) => {
    const hogs = await fillSlotsWith(packet);
    await Promise.all(hogs.map((hog) => hog.closedWithin(3_000)));
    await expect(honestCall('after')).resolves.toEqual({ text: 'after' });
  });

  it('keeps a connection that sends envelopes signed one by one (a stock Nest client with seamCredentials)', async () => {
    const signer = authOf(['caller']);
    const signed = (id: string) => {
      const data = { text: id };
      const { header } = signer.sign('caller', ['probe'], { pattern: 'probe.echo', data, metadata: METADATA });
      return { id, pattern: 'probe.echo', data, metadata: { ...METADATA, [AUTH_METADATA_KEY]: header } };
    };
    const stock = await RawTcpPeer.open(port);
    peers.push(stock);
    expect((await stock.call(signed('one'))).json).toMatchObject({ id: 'one', response: { text: 'one' } });
    expect((await stock.call(signed('two'))).json).toMatchObject({ id: 'two', response: { text: 'two' } });
    expect(stock.open).toBe(true);
  });
});
