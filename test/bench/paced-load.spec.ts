import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadWindow } from '../../bench/topology/load-window.js';
import { pacedLoad } from '../../bench/topology/paced-load.js';

describe('pacedLoad', () => {
  let server: Server;
  let url: string;
  let answered = 0;
  let stallFirstMs = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      const index = answered++;
      const answer = () => {
        response.statusCode = index % 10 === 9 ? 503 : 200;
        response.end('{}');
      };
      if (index === 0 && stallFirstMs > 0) setTimeout(answer, stallFirstMs);
      else answer();
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  const load = (connections: number, urls = [url], window: Partial<LoadWindow> = {}) =>
    pacedLoad(
      { urls, method: 'GET', headers: {}, ratePerSecond: 200, connections },
      { warmUpSeconds: 0, durationSeconds: 0.5, ...window },
    );

  it('sends rate × duration requests and counts the answers that are not 2xx', async () => {
    answered = 0;
    const result = await load(4);
    expect(result.requests).toBe(100);
    expect(answered).toBe(100);
    expect(result.non2xx).toBe(10);
    expect(result.errors).toBe(0);
    // Due over 0.5 s: not all at once.
    expect(result.seconds).toBeGreaterThanOrEqual(0.49);
  });

  it('keeps its connections from the warm-up into the window, and counts only the window', async () => {
    answered = 0;
    let connections = 0;
    const countConnection = () => connections++;
    server.on('connection', countConnection);
    const edges: string[] = [];
    const started = performance.now();
    let openedAfterMs = 0;
    const result = await load(2, [url], {
      warmUpSeconds: 0.25,
      opened: () => {
        openedAfterMs = performance.now() - started;
        edges.push('opened');
      },
      closed: () => edges.push('closed'),
    });
    server.off('connection', countConnection);
    expect(answered).toBe(150);
    expect(result.requests).toBe(100);
    // 10% of the server's answers are 503, whichever part of the load they fall in.
    expect(result.non2xx).toBe(10);
    expect(edges).toEqual(['opened', 'closed']);
    expect(openedAfterMs).toBeGreaterThanOrEqual(240);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it("tells how late the generator itself sent the window's requests", async () => {
    answered = 0;
    // The generator's own event loop stalls 150 ms as the window opens: the requests due meanwhile
    // go out late, whatever the server does.
    const result = await load(4, [url], {
      opened: () => {
        const until = performance.now() + 150;
        while (performance.now() < until);
      },
    });
    expect(result.lateSendP99Ms).toBeGreaterThanOrEqual(100);
    expect(result.p99Ms).toBeGreaterThanOrEqual(100);
  });

  it('counts latency from when a request was due, so a stall shows in the figures', async () => {
    answered = 0;
    stallFirstMs = 300;
    // One connection: the requests due during the stall wait behind it.
    const result = await load(1);
    stallFirstMs = 0;
    expect(result.p99Ms).toBeGreaterThanOrEqual(250);
    expect(result.p50Ms).toBeGreaterThanOrEqual(20);
  });

  it('counts a refused connection as an error', async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));
    const result = await load(2, [`http://127.0.0.1:${port}/`]);
    expect(result.errors).toBe(100);
  });
});
