import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SeamTcpServer } from '@seam/transport';
import { freePort } from '@seam/testing';
import { expectNormalCallSucceeds, type HostileTarget, startTarget } from '../hostile/support/hostile-apps.js';
import { RawTcpPeer } from '../hostile/support/raw-tcp-peer.js';

const echo = (id: string) => ({ id, pattern: 'probe.echo-message', data: { text: id, count: 1 } });

/** Whether a new TCP connection to `port` is accepted (false once refused). */
const accepts = (port: number): Promise<boolean> =>
  RawTcpPeer.open(port).then(
    (peer) => {
      peer.destroy();
      return true;
    },
    () => false,
  );

/**
 * `SeamTcpServer.stopTakingWork()` is what a process's SIGTERM handler calls before Nest's
 * asynchronous shutdown reaches the server: from that call on, nothing new is taken, at once.
 */
describe('SeamTcpServer.stopTakingWork (a real server and raw TCP connections)', () => {
  let port: number;
  let target: HostileTarget;
  let server: SeamTcpServer;

  beforeAll(async () => {
    port = await freePort();
    target = await startTarget({ transport: 'tcp', host: '127.0.0.1', port });
    server = target.servers.find((candidate) => candidate instanceof SeamTcpServer)!;
    await expectNormalCallSucceeds(target, 'warm-up');
  });
  afterAll(async () => {
    await target?.close();
  });

  it('answers a request on an open connection UnavailableError (shutting-down) and accepts no new connection', async () => {
    const peer = await RawTcpPeer.open(port);
    try {
      expect((await peer.call(echo('before'))).json).toMatchObject({ id: 'before', response: { text: 'before' } });

      server.stopTakingWork();

      const refused = (await peer.call(echo('after'))).json;
      expect(refused).toMatchObject({
        id: 'after',
        status: 'error',
        err: { code: 'UNAVAILABLE', details: { reason: 'shutting-down' } },
      });
      expect(refused).not.toHaveProperty('response');
      expect(await accepts(port)).toBe(false);
      // Idempotent: Nest's close() later calls it again.
      expect(() => server.stopTakingWork()).not.toThrow();
    } finally {
      peer.destroy();
    }
  });
});
