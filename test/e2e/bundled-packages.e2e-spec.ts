import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureBuilt, type ServiceProcess } from '@seam/testing';
import { BUNDLED_PACKAGES } from '../../rspack.config.js';
import { startBuiltMonolith } from './support/built-monolith.js';

/**
 * Development dependencies the monolith may load: `debug` (under express and TypeORM) tries
 * `require('supports-color')` and goes on without it. (The pretty log format, pino-pretty, is one
 * too: the monolith runs with LOG_FORMAT=json here, as in a production image.)
 */
const DEV_ONLY_ALLOWED = new Set(['node_modules/supports-color', 'node_modules/has-flag']);

describe('the built monolith and the packages rspack.config.js bundles', () => {
  let dir: string;
  let monolith: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dir = mkdtempSync(join(tmpdir(), 'seam-bundled-'));
    ({ monolith, baseUrl } = await startBuiltMonolith(join(dir, 'data'), {
      LOG_FORMAT: 'json',
      NODE_OPTIONS: `--import ${pathToFileURL(resolve('test/e2e/support/load-recorder.mjs')).href}`,
      LOADED_PACKAGES_FILE: join(dir, 'loaded.txt'),
    }));
  }, 240_000);

  /** The package folders the recorder saw the monolith load, once it has stopped. */
  const loadedFolders = () => readFileSync(join(dir, 'loaded.txt'), 'utf8').split('\n').filter(Boolean);

  afterAll(async () => {
    await monolith?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API docs and the Swagger UI assets the bundled @nestjs/swagger finds at run time', async () => {
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    const asset = await fetch(`${baseUrl}/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // Built at its first request (swagger.ts), from the routes and DTOs the bundle holds.
    const document = await fetch(`${baseUrl}/docs-json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty(['/api/auth/login']);
  });

  it('validates with the bundled class-validator: a bad body gets the typed 400 with its fields', async () => {
    const response = await fetch(`${baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'someone@example.com', password: 12, name: 'Someone' }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { path: string }[] };
    expect(problem.code).toBe('VALIDATION');
    expect(problem.errors.map((error) => error.path)).toEqual(['password']);
  });

  it('signs and checks tokens with the bundled jose: the seeded admin logs in and reads its profile', async () => {
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@seam.local', password: 'change-me-admin' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe('admin@seam.local');
    const forged = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${accessToken}x` } });
    expect(forged.status).toBe(401);
  });

  it('never loads a bundled package from node_modules, so there is one copy of each', async () => {
    await monolith.stop();
    const loaded = loadedFolders();
    // The recorder saw the packages left external: it works.
    expect(loaded).toEqual(expect.arrayContaining(['node_modules/@nestjs/core', 'node_modules/typeorm']));
    const inBundled = loaded.filter((folder) =>
      BUNDLED_PACKAGES.some((name) => folder === `node_modules/${name}` || folder.startsWith(`node_modules/${name}/`)),
    );
    expect(inBundled).toEqual([]);
  });

  it('loads no Redis client and no PostgreSQL driver on SQLite with in-process calls: both are imported on first use', () => {
    const loaded = loadedFolders();
    expect(loaded).toEqual(expect.arrayContaining(['node_modules/better-sqlite3']));
    expect(loaded.filter((folder) => ['node_modules/ioredis', 'node_modules/pg'].includes(folder))).toEqual([]);
  });

  it('loads nothing a production image prunes (development dependencies) but what is optional', () => {
    const loaded = loadedFolders();
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = loaded.filter((folder) => lock.packages[folder]?.dev && !DEV_ONLY_ALLOWED.has(folder));
    expect(devOnly).toEqual([]);
    // Every folder is one the lock file knows, so the check above looked at each of them.
    expect(loaded.filter((folder) => !lock.packages[folder])).toEqual([]);
  });
});
