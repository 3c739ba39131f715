import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type Database, sqliteTarget } from './support/database-targets.js';
import { E2eMonolith } from './support/e2e-monolith.js';

/** One finding of `redocly lint --format=json`. */
interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

const REDOCLY = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

/**
 * Lints `file` with Redocly CLI's recommended ruleset, as client generators' and gateways' users
 * run it. Telemetry and the update check are off: the CLI must not reach the network from a test.
 */
async function lint(file: string): Promise<{ totals: { errors: number; warnings: number }; problems: LintProblem[] }> {
  const args = [REDOCLY, 'lint', file, '--extends=recommended', '--format=json', '--lint-config=off'];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // Exits 1 when it finds errors; its JSON report is on stdout either way.
  const output = await promisify(execFile)(process.execPath, args, { env }).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '',
  }));
  return JSON.parse(output.stdout) as Awaited<ReturnType<typeof lint>>;
}

describe('the OpenAPI document at /docs-json', () => {
  let data: Database;
  let monolith: E2eMonolith;
  const dir = mkdtempSync(join(tmpdir(), 'seam-openapi-'));

  beforeAll(async () => {
    data = await sqliteTarget().create();
    monolith = await E2eMonolith.start(data.config);
  }, 60_000);

  afterAll(async () => {
    await monolith?.close();
    await data?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes Redocly’s recommended ruleset with no error and no warning', async () => {
    const served = await request(monolith.server).get('/docs-json');
    expect(served.status).toBe(200);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, served.text);
    const report = await lint(file);
    const found = report.problems.map(
      ({ severity, ruleId, message, location }) =>
        `${severity} ${ruleId} at ${location[0]?.pointer ?? '#'}: ${message}`,
    );
    expect({ totals: report.totals, found }).toEqual({ totals: { errors: 0, warnings: 0, ignored: 0 }, found: [] });
  });

  it('declares every operation’s security: the bearer scheme, or none (`security: []`) for a public one', async () => {
    const { paths } = (await request(monolith.server).get('/docs-json')).body as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    const securityOf = (path: string, method: string) => paths[path]?.[method]?.security;
    expect(securityOf('/api/products', 'get')).toEqual([]);
    expect(securityOf('/api/auth/login', 'post')).toEqual([]);
    expect(securityOf('/health', 'get')).toEqual([]);
    expect(securityOf('/api/orders', 'post')).toEqual([{ bearer: [] }]);
  });

  it('declares 413 on every operation, as the JSON parser answers it to an oversized body on any route', async () => {
    const { paths } = (await request(monolith.server).get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const undeclared = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => !operation.responses['413'])
        .map(([method]) => `${method} ${path}`),
    );
    expect(undeclared).toEqual([]);
    const body = JSON.stringify({ filler: 'x'.repeat(200_000) });
    for (const sent of [
      request(monolith.server).get('/api/products'),
      request(monolith.server).post('/api/auth/logout'),
    ]) {
      const refused = await sent.set('Content-Type', 'application/json').send(body);
      expect(refused.status).toBe(413);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('declares for /health a 4XX that happens: the edge refuses a forbidden query key there too (400 problem)', async () => {
    const refused = await request(monolith.server).get('/health?constructor=1');
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
