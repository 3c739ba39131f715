import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { eventually, type ServiceProcess, spawnService } from '@seam/testing';

/** The monolith's own entry (through the SWC loader): what `npm start` runs, from source. */
const MAIN = 'apps/monolith/src/main.ts';
const LISTENING = /Listening on http:\/\/localhost:(\d+)/;
const SECRET = 'production-secret-that-is-long-enough-0123456789';
const ADMIN = { email: 'admin@production.test', password: 'a long production admin password' };
const FINGERPRINT_KEY = 'production-fingerprint-key-0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'seam-edge-production-'));
let dirs = 0;
const freshDataDir = () => join(root, `data-${++dirs}`);

/** Production, on SQLite in a directory of its own, with nothing else set unless given. */
function productionEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    // Production opens the internal listener on 9464 by default: any free port, so parallel runs cannot collide.
    SEAM_INTERNAL_PORT: '0',
    DATA_DIR: freshDataDir(),
    DATABASE_URL: '',
    JWT_SECRET: '',
    JWT_SECRET_FILE: '',
    JWT_PREVIOUS_SECRET: '',
    PAYMENTS_CARD_FINGERPRINT_KEY: FINGERPRINT_KEY,
    SEAM_ADMIN_EMAIL: ADMIN.email,
    SEAM_ADMIN_PASSWORD: ADMIN.password,
    SEED_DEMO_DATA: '',
    ...overrides,
  };
}

/** Starts the monolith and expects it to refuse: answers everything it printed before exiting 1. */
async function refusal(env: Record<string, string>): Promise<string> {
  const started = spawnService({ entry: MAIN, env: productionEnv(env), readyLine: LISTENING, readyTimeoutMs: 60_000 });
  const error = await started.then(
    async (service) => {
      await service.stop();
      return undefined;
    },
    (caught: unknown) => caught as Error,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error!.message).toContain('exited (1) before it was ready');
  return error!.message;
}

describe('the monolith in production (NODE_ENV=production), as an OS process', () => {
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses to start without JWT_SECRET, naming it, with the typed error, and never printing a secret', async () => {
    const output = await refusal({ JWT_PREVIOUS_SECRET: SECRET });
    expect(output).toContain('The monolith could not start: JWT_SECRET is required in production');
    expect(output).toContain('IdentityConfigError');
    expect(output).not.toContain(SECRET);
  }, 90_000);

  it('refuses a short JWT_SECRET without echoing it', async () => {
    const output = await refusal({ JWT_SECRET: 'hunter2-hunter2' });
    expect(output).toContain('JWT_SECRET must be at least 32 bytes, got 15');
    expect(output).not.toContain('hunter2');
  }, 90_000);

  it('refuses to start without PAYMENTS_CARD_FINGERPRINT_KEY, naming it, never printing a secret', async () => {
    const output = await refusal({ JWT_SECRET: SECRET, PAYMENTS_CARD_FINGERPRINT_KEY: '' });
    expect(output).toContain('PAYMENTS_CARD_FINGERPRINT_KEY is required in production');
    expect(output).not.toContain(SECRET);
  }, 90_000);

  it('refuses the default admin password, naming SEAM_ADMIN_PASSWORD', async () => {
    const output = await refusal({ JWT_SECRET: SECRET, SEAM_ADMIN_PASSWORD: '' });
    expect(output).toContain('SEAM_ADMIN_PASSWORD must be set in production');
    expect(output).toContain('ProductionConfigError');
    expect(output).not.toContain(SECRET);
  }, 90_000);

  it('starts with a key file and an admin password: private data, tokens with a kid', async () => {
    const keyFile = join(root, 'jwt.key');
    writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
    const env = productionEnv({ JWT_SECRET_FILE: keyFile });
    service = await spawnService({ entry: MAIN, env, readyLine: LISTENING, readyTimeoutMs: 90_000 });
    const baseUrl = `http://localhost:${LISTENING.exec(service.output())![1]}`;
    // The seed registers the admin once the app is up (one production-cost hash, on a loaded machine);
    // waiting for its line rather than retrying the log-in, which the log-in throttling would count.
    await eventually(() => expect(service!.output()).toContain(`Admin account: ${ADMIN.email}, created`), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const login = await request(baseUrl).post('/api/auth/login').send(ADMIN);
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    expect(decodeProtectedHeader((login.body as { accessToken: string }).accessToken).kid).toEqual(expect.any(String));
    expect(statSync(env.DATA_DIR!).mode & 0o777).toBe(0o700);
    expect(statSync(join(env.DATA_DIR!, 'identity.sqlite')).mode & 0o777).toBe(0o600);
    expect(service.output()).not.toContain(SECRET);
  }, 120_000);
});
