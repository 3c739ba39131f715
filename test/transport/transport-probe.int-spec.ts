import { createServer as createTlsServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@seam/testing';
import { probeEndpoint } from '@seam/runtime';
import { redisUnavailableReason } from '../support/redis-server.js';
import { PrivateTlsRedis } from '../support/private-tls-redis.js';
import { opensslUnavailableReason, TestPki } from '../support/test-pki.js';

// The /health probe of a process's own transport, when its links are locked down: a TCP server
// that requires client certificates, a Redis that speaks TLS only and has no default user.
const skipReason = opensslUnavailableReason() ?? redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;

suite(`transport probe with TLS and Redis users${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let pki: TestPki;
  let server: Server;
  let port: number;
  let redis: PrivateTlsRedis;
  let failedHandshakes = 0;

  beforeAll(async () => {
    pki = TestPki.create('probe');
    const serverCert = pki.issue('payments', ['127.0.0.1']);
    port = await freePort();
    server = createTlsServer({
      key: serverCert.key,
      cert: serverCert.cert,
      ca: pki.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('tlsClientError', () => (failedHandshakes += 1));
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    redis = await PrivateTlsRedis.start(pki);
    const admin = await redis.admin();
    await admin.call('ACL', 'SETUSER', 'probe-user', 'on', '>probe-user-password-0123456789', '+ping');
    admin.disconnect();
  }, 60_000);

  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    await redis?.stop();
  });

  it('completes the mutual TLS handshake with the process certificate, leaving no failed handshake behind', async () => {
    const own = pki.issue('monolith', ['127.0.0.1']);
    await expect(
      probeEndpoint(
        { transport: 'tcp', host: '0.0.0.0', port },
        { tls: { key: own.key, cert: own.cert, ca: pki.ca.cert } },
      ),
    ).resolves.toBeUndefined();
    expect(failedHandshakes).toBe(0);
  });

  it('reports the server down when its certificate does not verify (the probe trusts another CA)', async () => {
    const own = pki.issue('monolith', ['127.0.0.1']);
    const otherCa = TestPki.create('other').ca.cert;
    await expect(
      probeEndpoint(
        { transport: 'tcp', host: '127.0.0.1', port },
        { tls: { key: own.key, cert: own.cert, ca: otherCa } },
      ),
    ).rejects.toThrow(/TCP 127\.0\.0\.1:\d+/);
  });

  it("pings a TLS-only Redis as the process's own user; without the user or the CA it reports why", async () => {
    const security = { username: 'probe-user', password: 'probe-user-password-0123456789', tls: { ca: pki.ca.cert } };
    const endpoint = { transport: 'redis' as const, url: redis.url };
    await expect(probeEndpoint(endpoint, { redis: security })).resolves.toBeUndefined();
    await expect(probeEndpoint(endpoint, { redis: { tls: { ca: pki.ca.cert } } })).rejects.toThrow(/^Redis: /);
    await expect(probeEndpoint(endpoint, {})).rejects.toThrow(/^Redis: /);
  });
});
