import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rawHttpExchange } from '@seam/testing';
import { countRefusedRequests, refusalStatusOf } from './refused-requests.js';
import { metricsRegistry } from './registry.js';

/** Sends `bytes` to `server` as they are; answers what it wrote back. */
const exchange = (server: Server, bytes: string, options?: { end?: boolean }) =>
  rawHttpExchange(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, bytes, options);

async function refusedCount(status: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('http_requests_refused_total')?.get();
  return metric?.values.find((value) => value.labels.status === status)?.value ?? 0;
}

describe('countRefusedRequests', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /**
   * A server answering 200 to what it parses (once it has read the body; `early`: its status line
   * set before), its refusals counted unless `watched` is false.
   */
  async function serve(options: ServerOptions = {}, watched = true, early = false): Promise<Server> {
    const server = createServer(options, (request, response) => {
      if (early) response.writeHead(200);
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    if (watched) countRefusedRequests(server, {});
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  const hostile: Array<[string, string, ServerOptions, string]> = [
    ['a malformed request line', 'GARBAGE\r\n\r\n', {}, '400'],
    ['a header with no colon', 'GET / HTTP/1.1\r\nHost: x\r\nno-colon-here\r\n\r\n', {}, '400'],
    [
      'headers over the size limit',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4_096)}\r\n\r\n`,
      { maxHeaderSize: 1_024 },
      '431',
    ],
    [
      'a body both chunked and sized',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      {},
      '400',
    ],
  ];

  it.each(hostile)('counts %s and answers it byte for byte as Node does', async (_what, bytes, options, status) => {
    const before = await refusedCount(status);
    const watched = await exchange(await serve(options), bytes);
    const plain = await exchange(await serve(options, false), bytes);
    expect(watched).toBe(plain);
    expect(watched.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(await refusedCount(status)).toBe(before + 1);
  });

  it('counts a request whose headers do not arrive in time, answered 408 as Node does', async () => {
    const options = { headersTimeout: 100, requestTimeout: 100, connectionsCheckingInterval: 25 };
    const before = await refusedCount('408');
    const partial = 'GET / HTTP/1.1\r\nHost: x\r\n';
    const watched = await exchange(await serve(options), partial);
    const plain = await exchange(await serve(options, false), partial);
    expect(watched).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(watched).toBe(plain);
    expect(await refusedCount('408')).toBe(before + 1);
  });

  it('leaves uncounted a request that reached the app and then failed: a body cut short, a body too slow', async () => {
    const counts = async () => Promise.all(['400', '408'].map(refusedCount));
    const before = await counts();
    const cut = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":';
    const watchedCut = await exchange(await serve(), cut, { end: true });
    expect(watchedCut).toBe(await exchange(await serve({}, false), cut, { end: true }));
    const slow = { headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 25 };
    const watchedSlow = await exchange(await serve(slow), cut);
    expect(watchedSlow).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(watchedSlow).toBe(await exchange(await serve(slow, false), cut));
    expect(await counts()).toEqual(before);
  });

  it("answers as Node does when the app set a response's status but wrote nothing yet", async () => {
    const slow = { headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 25 };
    const cut = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":';
    const watched = await exchange(await serve(slow, true, true), cut);
    expect(watched).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(watched).toBe(await exchange(await serve(slow, false, true), cut));
  });

  it('passes a well-formed request on, uncounted', async () => {
    const counts = await Promise.all(['400', '408', '431'].map(refusedCount));
    const answer = await exchange(await serve(), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*ok$/);
    expect(await Promise.all(['400', '408', '431'].map(refusedCount))).toEqual(counts);
  });

  it("leaves Node's own handling in place with SEAM_METRICS=off", () => {
    const server = createServer();
    countRefusedRequests(server, { SEAM_METRICS: 'off' });
    expect(server.listenerCount('clientError')).toBe(0);
  });

  it('tells refused requests from errors of the connection itself', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(refusalStatusOf(error('HPE_INVALID_METHOD'))).toBe(400);
    expect(refusalStatusOf(error('HPE_HEADER_OVERFLOW'))).toBe(431);
    expect(refusalStatusOf(error('HPE_CHUNK_EXTENSIONS_OVERFLOW'))).toBe(413);
    expect(refusalStatusOf(error('ERR_HTTP_REQUEST_TIMEOUT'))).toBe(408);
    expect(refusalStatusOf(error('ECONNRESET'))).toBeUndefined();
    expect(refusalStatusOf(new Error('no code'))).toBeUndefined();
  });
});
