import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { freePort } from './free-port.js';

const ephemeralLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
})();

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, each bindable', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(ephemeralLow);
    }
    const server = createServer();
    await new Promise<void>((done) => server.listen(ports[0], '127.0.0.1', done));
    await new Promise((done) => server.close(done));
  });

  // Calls made at once interleave at their probes' awaits; a port claimed only after its probe
  // closed was once handed out twice in CI. Many rounds make that window likely to be hit.
  it('never hands out one port twice to calls made at once', async () => {
    const ports: number[] = [];
    for (let round = 0; round < 15; round++) {
      ports.push(...(await Promise.all(Array.from({ length: 30 }, () => freePort()))));
    }
    expect(ports.length - new Set(ports).size).toBe(0);
  });
});
