import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureBuilt, type ServiceProcess } from '@seam/testing';
import { startBuiltMonolith } from './support/built-monolith.js';

// SEAM_METRICS=off on the built monolith: nothing recorded, nothing served at /metrics, the rest
// of the app as usual; and a value that is neither on nor off stops the start.
describe('the monolith with SEAM_METRICS=off', () => {
  let dataDir: string;
  let monolith: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-metrics-off-'));
    // Development defaults: /metrics would be on the app's own port.
    ({ monolith, baseUrl } = await startBuiltMonolith(dataDir, { SEAM_METRICS: 'off' }));
  }, 240_000);

  afterAll(async () => {
    await monolith?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 404 for /metrics, while /health and the API answer as usual', async () => {
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/products/MUG-SEAM`)).status).toBe(200);
  });

  it('records no seam call: the dashboard, which reads the same registry, shows no link', async () => {
    // The product read above went edge → catalog through the seam; with meters it would be a link.
    expect((await fetch(`${baseUrl}/api/products?pageSize=2`)).status).toBe(200);
    const data = (await (await fetch(`${baseUrl}/_seam/data`)).json()) as { links: unknown[] };
    expect(data.links).toEqual([]);
  });

  it('refuses to start with a value that is neither on nor off, naming the variable', async () => {
    const started = startBuiltMonolith(join(dataDir, 'bad'), { SEAM_METRICS: 'maybe' });
    await expect(started).rejects.toThrow(/exited \(1\)[\s\S]*SEAM_METRICS must be on or off/);
  }, 120_000);
});
