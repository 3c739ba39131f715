import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { eventually, type ServiceProcess, spawnService } from '@seam/testing';
import {
  internalListenerFromEnv,
  InternalListenerConfigError,
} from '../../apps/monolith/src/bootstrap/internal-listener.js';

/** The monolith's own entry (through the SWC loader): what `npm start` runs, from source. */
const MAIN = 'apps/monolith/src/main.ts';
const LISTENING = /Listening on http:\/\/localhost:(\d+)/;
const INTERNAL = /Metrics: (http:\/\/127\.0\.0\.1:\d+)\/metrics/;
const root = mkdtempSync(join(tmpdir(), 'seam-edge-internal-'));
let dirs = 0;

/** The monolith as an OS process on SQLite, with `env` on top of the given NODE_ENV. */
async function start(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({
    entry: MAIN,
    env: {
      PORT: '0',
      DATA_DIR: join(root, `data-${++dirs}`),
      DATABASE_URL: '',
      JWT_SECRET: 'internal-port-secret-that-is-long-enough-0123456789',
      JWT_SECRET_FILE: '',
      JWT_PREVIOUS_SECRET: '',
      PAYMENTS_CARD_FINGERPRINT_KEY: 'internal-port-fingerprint-key-0123456789abcdef',
      SEAM_ADMIN_PASSWORD: 'a long admin password for the internal port test',
      SEED_DEMO_DATA: 'false',
      SEAM_INTERNAL_PORT: '',
      SEAM_INTERNAL_HOST: '',
      ...env,
    },
    readyLine: LISTENING,
    readyTimeoutMs: 90_000,
  });
}

/** What `act` threw (a failure if it returned). */
function thrown(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal, got none');
}

const publicUrl = (service: ServiceProcess) => `http://localhost:${LISTENING.exec(service.output())![1]}`;

describe('the edge keeps /metrics and the API docs off its public port', () => {
  const services: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  it('in production: 404 on the public port, 200 on the internal one; health stays public', async () => {
    const service = await start({ NODE_ENV: 'production', SEAM_INTERNAL_PORT: '0' });
    services.push(service);
    // Printed after the ready line, with the rest of the start-up summary.
    await eventually(() => expect(service.output()).toMatch(INTERNAL), { timeoutMs: 10_000, intervalMs: 50 });
    const internalUrl = INTERNAL.exec(service.output())?.[1];
    const outside = request(publicUrl(service));
    const inside = request(internalUrl!);
    for (const path of ['/metrics', '/docs-json', '/docs'])
      expect({ path, status: (await outside.get(path)).status }).toEqual({ path, status: 404 });
    expect((await outside.get('/health/live')).status).toBe(200);
    const metrics = await inside.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('# TYPE seam_calls_pending gauge');
    const document = await inside.get('/docs-json');
    expect(document.status).toBe(200);
    expect(Object.keys((document.body as { paths: object }).paths)).toContain('/api/auth/login');
    // Read from the internal port, the document still sends clients (and the Swagger UI) to the public one.
    expect((document.body as { servers: Array<{ url: string }> }).servers.map(({ url }) => url)).toEqual([
      publicUrl(service),
    ]);
    expect((await inside.get('/docs')).status).toBe(200);
    // Only what it serves: the edge's API is not reachable through the internal port.
    expect((await inside.get('/api/products')).status).toBe(404);
  }, 120_000);

  it('in development: everything on the one port, no internal listener', async () => {
    const service = await start({ NODE_ENV: 'development' });
    services.push(service);
    const outside = request(publicUrl(service));
    expect((await outside.get('/metrics')).status).toBe(200);
    expect((await outside.get('/docs-json')).status).toBe(200);
    await eventually(() => expect(service.output()).toContain('Health: '), { timeoutMs: 10_000, intervalMs: 50 });
    expect(service.output()).not.toMatch(INTERNAL);
  }, 120_000);
});

describe('internalListenerFromEnv', () => {
  it('defaults to 9464 on loopback in production, and to none in development', () => {
    expect(internalListenerFromEnv({ NODE_ENV: 'production' }, 3000)).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(internalListenerFromEnv({}, 3000)).toBeUndefined();
    expect(internalListenerFromEnv({ NODE_ENV: 'production', SEAM_INTERNAL_PORT: 'off' }, 3000)).toBeUndefined();
    expect(internalListenerFromEnv({ SEAM_INTERNAL_PORT: '9000', SEAM_INTERNAL_HOST: '0.0.0.0' }, 3000)).toEqual({
      port: 9000,
      host: '0.0.0.0',
    });
  });

  it.each([
    [{ SEAM_INTERNAL_PORT: '65536' }, /SEAM_INTERNAL_PORT must be a TCP port/],
    [{ SEAM_INTERNAL_PORT: '-1' }, /SEAM_INTERNAL_PORT must be a TCP port/],
    [{ SEAM_INTERNAL_PORT: '9464; rm -rf /' }, /SEAM_INTERNAL_PORT must be a TCP port/],
    [{ SEAM_INTERNAL_PORT: '3000' }, /must differ from PORT/],
    [{ SEAM_INTERNAL_PORT: '9000', SEAM_INTERNAL_HOST: 'evil host' }, /SEAM_INTERNAL_HOST must be/],
    [{ SEAM_INTERNAL_PORT: '9000', SEAM_INTERNAL_HOST: 'http://x' }, /SEAM_INTERNAL_HOST must be/],
  ])('refuses %j, naming the variable and not echoing the value', (env, message) => {
    const refusal = thrown(() => internalListenerFromEnv(env, 3000));
    expect(refusal).toBeInstanceOf(InternalListenerConfigError);
    expect(refusal.message).toMatch(message);
    // "3000" is PORT, which the message names on purpose; the values at fault are never echoed.
    const echoed = Object.values(env).filter((value) => value !== '3000' && refusal.message.includes(value));
    expect(echoed).toEqual([]);
  });
});
