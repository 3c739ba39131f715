import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedLoopLoad } from '../../bench/topology/closed-loop-load.js';

describe('closedLoopLoad', () => {
  let server: Server;
  let url: string;
  let answered = 0;
  let connections = 0;
  let answerAfterMs = 2;

  beforeAll(async () => {
    server = createServer((request, response) => {
      answered++;
      setTimeout(() => {
        response.statusCode = request.url === '/refused' ? 403 : 200;
        response.end('{}');
      }, answerAfterMs);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  it('runs the warm-up and the window on the same connections, and counts only the window', async () => {
    answered = 0;
    connections = 0;
    answerAfterMs = 2;
    const edges: string[] = [];
    let answeredAtOpening = -1;
    const result = await closedLoopLoad(
      { urls: [`${url}/ok`], method: 'GET', headers: {}, connections: 4 },
      {
        warmUpSeconds: 0.3,
        durationSeconds: 0.5,
        opened: () => {
          answeredAtOpening = answered;
          edges.push('opened');
        },
        closed: () => edges.push('closed'),
      },
    );
    expect(edges).toEqual(['opened', 'closed']);
    // The warm-up's answers came before the window and are not in it.
    expect(answeredAtOpening).toBeGreaterThan(20);
    expect(result.requests).toBeGreaterThan(20);
    expect(result.requests).toBeLessThan(answered - answeredAtOpening + 4 + 1);
    expect(result.seconds).toBeGreaterThanOrEqual(0.45);
    expect(result.seconds).toBeLessThan(1.5);
    // One set of connections for the whole load: the window did not open new ones.
    expect(connections).toBe(4);
    expect(result.p50Ms).toBeGreaterThanOrEqual(1);
    expect(result.non2xx + result.errors).toBe(0);
  });

  it('counts answers that are not 2xx, and keeps their latencies out of the percentiles', async () => {
    answerAfterMs = 40;
    const refused = await closedLoopLoad(
      { urls: [`${url}/refused`], method: 'GET', headers: {}, connections: 2 },
      { warmUpSeconds: 0.1, durationSeconds: 0.4 },
    );
    answerAfterMs = 2;
    expect(refused.non2xx).toBe(refused.requests);
    expect(refused.non2xx).toBeGreaterThan(5);
    expect(refused.p99Ms).toBe(0);
  });

  it('counts a refused connection as an error', async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));
    const result = await closedLoopLoad(
      { urls: [`http://127.0.0.1:${port}/`], method: 'GET', headers: {}, connections: 2 },
      { warmUpSeconds: 0.1, durationSeconds: 0.3 },
    );
    expect(result.errors).toBeGreaterThan(0);
    expect(result.errors).toBe(result.requests);
  });
});
