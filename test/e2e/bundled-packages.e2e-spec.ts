import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureBuilt, type ServiceProcess, spawnService } from '@seam/testing';
import { BUNDLED_PACKAGES } from '../../rspack.config.js';

const LISTENING = /Listening on http:\/\/localhost:(\d+)/;

/**
 * Loaded first with `--import`: appends the name of each package the process loads a file of
 * from node_modules, as it happens (the monolith ends by its signal, without an 'exit' event).
 */
const LOAD_RECORDER = `
import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
const packages = new Set();
registerHooks({
  load(url, context, next) {
    const found = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
    if (found && !packages.has(found[1])) {
      packages.add(found[1]);
      appendFileSync(process.env.LOADED_PACKAGES_FILE, found[1] + '\\n');
    }
    return next(url, context);
  },
});
`;

describe('the built monolith and the packages rspack.config.js bundles', () => {
  let dir: string;
  let monolith: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dir = mkdtempSync(join(tmpdir(), 'seam-bundled-'));
    writeFileSync(join(dir, 'recorder.mjs'), LOAD_RECORDER);
    monolith = await spawnService({
      entry: 'dist/apps/monolith/main.js',
      env: {
        PORT: '0',
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: '',
        NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'recorder.mjs')).href}`,
        LOADED_PACKAGES_FILE: join(dir, 'loaded.txt'),
      },
      readyLine: LISTENING,
      readyTimeoutMs: 60_000,
    });
    baseUrl = `http://localhost:${LISTENING.exec(monolith.output())![1]}`;
  }, 240_000);

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
    const loaded = readFileSync(join(dir, 'loaded.txt'), 'utf8').split('\n').filter(Boolean);
    // The recorder saw the packages left external: it works.
    expect(loaded).toEqual(expect.arrayContaining(['@nestjs/core', 'typeorm', 'rxjs']));
    expect(loaded.filter((name) => BUNDLED_PACKAGES.includes(name))).toEqual([]);
  });
});
