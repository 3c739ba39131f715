import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rawHttpExchange, type TopologyProcess } from '@seam/testing';
import { type ProcessShopSystem, topologyTarget } from './support/topology-target.js';

// Each process of a split topology exposes its own /metrics: the edge counts the calls it sent to
// the services, and each service the calls it sent on to the others — over TCP, not in-process.

/** The `seam_calls_total` samples of a process with outcome ok, as `caller→callee entry transport`. */
async function linksOf(process: TopologyProcess): Promise<string[]> {
  const text = await (await fetch(`${process.url}/metrics`)).text();
  const sample =
    /^seam_calls_total\{caller="([^"]*)",callee="([^"]*)",entry="([^"]*)",transport="([^"]*)",outcome="ok"\} [1-9]/gm;
  return [...text.matchAll(sample)].map(
    ([, caller, callee, entry, transport]) => `${caller}→${callee} ${entry} ${transport}`,
  );
}

describe('/metrics of each process in topology "split-tcp"', () => {
  const target = topologyTarget('split-tcp');
  let system: ProcessShopSystem;
  let histograms: string;

  beforeAll(async () => {
    system = await target.start();
    const base = system.processes.baseUrl;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const account = { email: 'grace@example.com', password: 'correct horse battery' };
    await post('/api/auth/register', { ...account, name: 'Grace' });
    const { accessToken } = (await (await post('/api/auth/login', account)).json()) as { accessToken: string };
    const { sku } = (
      (await (await fetch(`${base}/api/products?pageSize=1`)).json()) as { items: Array<{ sku: string }> }
    ).items[0]!;
    await post('/api/orders', { lines: [{ sku, quantity: 1 }], cardNumber: '4242424242424242' }, accessToken);
    histograms = await (await fetch(`${system.processes.replicas('orders')[0]!.url}/metrics`)).text();
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('shows, on the edge, the calls it sent to each service over TCP', async () => {
    const links = await linksOf(system.processes.monolith);
    expect(links).toEqual(
      expect.arrayContaining(['edge→catalog catalog.list-products tcp', 'edge→orders orders.place-order tcp']),
    );
  });

  it('shows, on a service, the calls it sent on to the others, with their latency histogram', async () => {
    const links = await linksOf(system.processes.replicas('orders')[0]!);
    expect(links.some((link) => link.startsWith('orders→inventory ') && link.endsWith(' tcp'))).toBe(true);
    expect(links.some((link) => link.startsWith('orders→payments ') && link.endsWith(' tcp'))).toBe(true);
    expect(histograms).toMatch(
      /^seam_call_duration_seconds_bucket\{le="\+Inf",caller="orders",callee="payments",[^}]*transport="tcp"[^}]*\} [1-9]/m,
    );
  });

  it('counts, on a service, the requests its handlers took and its HTTP requests per route', async () => {
    // A second scrape: the first is counted once its response has finished.
    const text = await (await fetch(`${system.processes.replicas('orders')[0]!.url}/metrics`)).text();
    expect(text).toMatch(/^seam_calls_handled_total\{pattern="orders\.place-order"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/metrics",status="200"\} \d+$/m);
  });

  it('counts, on a service, the requests its HTTP parser refused', async () => {
    const orders = system.processes.replicas('orders')[0]!;
    const answer = await rawHttpExchange(orders.url, 'GARBAGE\r\n\r\n');
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    const text = await (await fetch(`${orders.url}/metrics`)).text();
    expect(text).toMatch(/^http_requests_refused_total\{status="400"\} 1$/m);
  });
});
