import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Flow, measureCell, pacedWindowSeconds } from '../../bench/topology/load.js';
import type { ShopFixture } from '../../bench/topology/shop-fixture.js';

describe('measureCell', () => {
  let server: Server;
  let baseUrl: string;
  let answered = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      answered++;
      response.end('{}');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  const target = () => ({ baseUrls: [baseUrl], processes: [{ label: 'this test', pid: process.pid }] });
  const paced = (durationSeconds?: number): Flow => ({
    id: 'read-1000',
    request: () => ({ method: 'GET', path: '/' }),
    ratePerSecond: 200,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  });
  const fixture = {} as ShopFixture;

  it("measures a flow over its own window when it has one, whatever the cell's", async () => {
    answered = 0;
    const figures = await measureCell(target(), paced(0.5), fixture, {
      connections: 4,
      warmUpSeconds: 0,
      durationSeconds: 5,
    });
    expect(figures.requests).toBe(100);
    expect(answered).toBe(100);
    expect(figures.failures).toBe(0);
  });

  it("measures a flow without one over the cell's window", async () => {
    answered = 0;
    const figures = await measureCell(target(), paced(), fixture, {
      connections: 4,
      warmUpSeconds: 0,
      durationSeconds: 0.25,
    });
    expect(figures.requests).toBe(50);
    expect(answered).toBe(50);
  });
});

describe('pacedWindowSeconds (BENCH_PACED_S)', () => {
  it('is 30 s unless set, and what is set otherwise', () => {
    expect(pacedWindowSeconds(undefined)).toBe(30);
    expect(pacedWindowSeconds('12.5')).toBe(12.5);
  });

  it.each(['', '0', '-3', 'ten', 'Infinity'])('refuses %p, naming the variable', (raw) => {
    expect(() => pacedWindowSeconds(raw)).toThrow(/BENCH_PACED_S/);
  });
});
