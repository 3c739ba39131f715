import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, type ServiceProcess, spawnService } from '@seam/testing';

/** What `npm start` runs: the monolith built by the Nest CLI, as plain `node`. */
const BUILT_MAIN = 'dist/apps/monolith/apps/monolith/src/main.js';
const LISTENING = /Listening on http:\/\/localhost:(\d+)/;

describe('the built monolith as an OS process (what npm start runs)', () => {
  let monolith: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    // `npm test` builds before running jest; a lone `npm run test:jest` builds here.
    if (!existsSync(BUILT_MAIN)) execFileSync('npx', ['nest', 'build', 'monolith'], { stdio: 'ignore' });
    monolith = await spawnService({ entry: BUILT_MAIN, env: { PORT: '0' }, readyLine: LISTENING });
    baseUrl = `http://localhost:${LISTENING.exec(monolith.output())![1]}`;
  }, 120_000);

  afterAll(() => monolith?.stop());

  it('says where each module runs when it starts', async () => {
    await eventually(() => {
      expect(monolith.output()).toMatch(/module greeter: in this process/);
      expect(monolith.output()).toMatch(/module guestbook: in this process/);
    });
  });

  it('answers over HTTP through the modules’ contracts', async () => {
    const response = await fetch(`${baseUrl}/api/greetings?name=Ada`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: 'Hello, Ada!' });
  });

  it('refuses invalid input with 400 and the field', async () => {
    const response = await fetch(`${baseUrl}/api/greetings`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('name');
  });

  it('shuts down on SIGTERM well before it would be killed', async () => {
    const started = performance.now();
    // Nest's shutdown hooks close the app, then re-raise the signal: the exit is "by SIGTERM".
    await expect(monolith.stop(10_000)).resolves.toBe('SIGTERM');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
