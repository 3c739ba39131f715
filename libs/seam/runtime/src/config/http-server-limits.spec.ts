import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { eventually, rawHttpExchange } from '@seam/testing';
import {
  applyHttpServerLimits,
  DEFAULT_HTTP_SERVER_LIMITS,
  type HttpServerLimits,
  HttpServerLimitsError,
  httpServerLimitsFromEnv,
} from './http-server-limits.js';

describe('httpServerLimitsFromEnv', () => {
  it('answers the defaults when nothing is set, or only blanks', () => {
    expect(httpServerLimitsFromEnv({})).toEqual(DEFAULT_HTTP_SERVER_LIMITS);
    expect(httpServerLimitsFromEnv({ SEAM_HTTP_HEADERS_TIMEOUT_MS: '  ', SEAM_HTTP_MAX_CONNECTIONS: '' })).toEqual(
      DEFAULT_HTTP_SERVER_LIMITS,
    );
  });

  it('reads each limit, 0 for none', () => {
    expect(
      httpServerLimitsFromEnv({
        SEAM_HTTP_HEADERS_TIMEOUT_MS: '5000',
        SEAM_HTTP_REQUEST_TIMEOUT_MS: ' 0 ',
        SEAM_HTTP_MAX_CONNECTIONS: '250',
        SEAM_HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      }),
    ).toEqual({ headersTimeoutMs: 5_000, requestTimeoutMs: 0, maxConnections: 250, keepAliveTimeoutMs: 65_000 });
  });

  it.each([
    ['SEAM_HTTP_HEADERS_TIMEOUT_MS', '20s'],
    ['SEAM_HTTP_HEADERS_TIMEOUT_MS', '-1'],
    ['SEAM_HTTP_REQUEST_TIMEOUT_MS', '1e4'],
    ['SEAM_HTTP_REQUEST_TIMEOUT_MS', '0x100'],
    ['SEAM_HTTP_REQUEST_TIMEOUT_MS', '3600001'],
    ['SEAM_HTTP_MAX_CONNECTIONS', '12.5'],
    ['SEAM_HTTP_MAX_CONNECTIONS', '99999999999999999999'],
    ['SEAM_HTTP_MAX_CONNECTIONS', 'Infinity'],
    ['SEAM_HTTP_KEEP_ALIVE_TIMEOUT_MS', '65 000'],
  ])('refuses %s=%s, naming the variable and the value', (name, value) => {
    const read = () => httpServerLimitsFromEnv({ [name]: value });
    expect(read).toThrow(HttpServerLimitsError);
    expect(read).toThrow(
      new RegExp(`^${name} must be a whole number .*, got "${value.slice(0, 40).replace('.', '\\.')}"$`),
    );
  });

  it('refuses headers allowed longer than the whole request', () => {
    expect(() =>
      httpServerLimitsFromEnv({ SEAM_HTTP_HEADERS_TIMEOUT_MS: '40000', SEAM_HTTP_REQUEST_TIMEOUT_MS: '30000' }),
    ).toThrow(/SEAM_HTTP_HEADERS_TIMEOUT_MS \(40000\) must not exceed SEAM_HTTP_REQUEST_TIMEOUT_MS \(30000\)/);
    // Only the request's limit given, below the headers' default: the headers get as long.
    expect(httpServerLimitsFromEnv({ SEAM_HTTP_REQUEST_TIMEOUT_MS: '10000' })).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
    });
    // Either one off: no conflict.
    expect(
      httpServerLimitsFromEnv({ SEAM_HTTP_HEADERS_TIMEOUT_MS: '40000', SEAM_HTTP_REQUEST_TIMEOUT_MS: '0' }),
    ).toMatchObject({ headersTimeoutMs: 40_000, requestTimeoutMs: 0 });
  });
});

/** Every limit off, keep-alive as Node's. */
const NO_LIMITS: HttpServerLimits = {
  headersTimeoutMs: 0,
  requestTimeoutMs: 0,
  maxConnections: 0,
  keepAliveTimeoutMs: 5_000,
};

/** A complete request on a connection to be closed after its answer. */
const COMPLETE_GET = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

describe('applyHttpServerLimits', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.destroy());
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A server answering `ok` once it has read a request, with `limits` set and every other limit off. */
  async function serve(limits: Partial<HttpServerLimits>): Promise<string> {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    applyHttpServerLimits(server, { ...NO_LIMITS, ...limits });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers 408 to a request whose headers trickle in past the limit, well before Node would by itself', async () => {
    const url = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 1_000 });
    const started = performance.now();
    // Never finished: without the limit Node would wait 60 s and look only every 30 s.
    const answer = await rawHttpExchange(url, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('answers 408 to a body that trickles in past the whole-request limit', async () => {
    const url = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const answer = await rawHttpExchange(url, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":');
    expect(answer).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  });

  it('serves a request sent in time', async () => {
    const url = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 1_000 });
    const answer = await rawHttpExchange(url, COMPLETE_GET);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*ok$/);
  });

  it('closes a connection beyond the cap as it is accepted, and serves the ones within it', async () => {
    const url = await serve({ maxConnections: 2 });
    const { port } = new URL(url);
    for (let index = 0; index < 2; index++) {
      const held = connect(Number(port), '127.0.0.1');
      sockets.push(held);
      await new Promise((resolve) => held.once('connect', resolve));
    }
    // Accepted after the two held ones (the server takes them in order), then closed at once: nothing is answered.
    expect(await rawHttpExchange(url, COMPLETE_GET)).toBe('');
    sockets.splice(0).forEach((socket) => socket.destroy());
    // Served again once the server has seen them close.
    await eventually(async () => expect(await rawHttpExchange(url, COMPLETE_GET)).toMatch(/^HTTP\/1\.1 200 OK/));
  });

  it('sets no cap with 0 connections (Node would refuse every connection at 0)', async () => {
    const url = await serve({});
    expect(await rawHttpExchange(url, COMPLETE_GET)).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('closes a kept-alive connection once it has been idle for the keep-alive timeout', async () => {
    const url = await serve({ keepAliveTimeoutMs: 1_200 });
    const started = performance.now();
    // Keep-alive by default in HTTP/1.1: the answer comes, then the server closes the idle connection.
    const answer = await rawHttpExchange(url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=1\r\n[\s\S]*ok$/);
    // Announced in whole seconds; held for the whole 1.2 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_100);
  });
});
