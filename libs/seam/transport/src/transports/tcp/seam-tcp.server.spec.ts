import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { freePort } from '@seam/testing';
import { SeamTcpServer } from './seam-tcp.server.js';

/** TEST-NET-1 (RFC 5737): reserved for documentation, never an address of this machine. */
const NOT_THIS_MACHINE = '192.0.2.1';

/** What `listen` hands its callback, or 'pending' when it has said nothing within `ms`. */
function listenOutcome(server: SeamTcpServer, ms = 2_000): Promise<unknown> {
  return new Promise((settle) => {
    const timer = setTimeout(() => settle('pending'), ms);
    server.listen((error?: unknown) => {
      clearTimeout(timer);
      settle(error ?? 'listening');
    });
  });
}

describe('SeamTcpServer', () => {
  const opened: Array<SeamTcpServer | Server> = [];
  afterEach(async () => {
    for (const server of opened.splice(0)) await server.close();
  });

  describe('listen', () => {
    it('hands back a listen error other than EADDRINUSE (an address not of this machine)', async () => {
      const server = new SeamTcpServer({ host: NOT_THIS_MACHINE, port: await freePort(), hosted: [] });
      opened.push(server);
      await expect(listenOutcome(server)).resolves.toMatchObject({ code: 'EADDRNOTAVAIL', syscall: 'listen' });
    });

    it('hands back a port already taken', async () => {
      const port = await freePort();
      const taken = createServer();
      opened.push(taken);
      await new Promise<void>((listening) => taken.listen(port, '127.0.0.1', listening));
      const server = new SeamTcpServer({ host: '127.0.0.1', port, hosted: [] });
      opened.push(server);
      await expect(listenOutcome(server)).resolves.toMatchObject({ code: 'EADDRINUSE' });
    });

    it('listens on a free port', async () => {
      const server = new SeamTcpServer({ host: '127.0.0.1', port: await freePort(), hosted: [] });
      opened.push(server);
      await expect(listenOutcome(server)).resolves.toBe('listening');
    });
  });
});
