import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { builtEntry, ensureBuilt, freePort, postgresUnavailableReason } from '@seam/testing';

/** TEST-NET-1 (RFC 5737): never an address of this machine. */
const NOT_THIS_MACHINE = '192.0.2.1';
const PASSWORD = 'never-printed-7f3a';

interface Ended {
  status: number | null;
  seconds: number;
  lines: string[];
}

/** Runs a built app until it exits (killed after `limitMs`), with its output split in lines. */
function runUntilExit(app: string, env: NodeJS.ProcessEnv, limitMs = 20_000): Promise<Ended> {
  const started = Date.now();
  const child = spawn(process.execPath, [builtEntry(app)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((ended) =>
    child.once('exit', (status) => {
      clearTimeout(limit);
      ended({ status, seconds: (Date.now() - started) / 1_000, lines: output.split('\n').filter(Boolean) });
    }),
  );
}

/** Lines of a stack trace (`    at …`), wherever they come from. */
const stackLines = (lines: string[]) => lines.filter((line) => /^\s+at /.test(line));

const pgSkip = await postgresUnavailableReason();
const withPostgres = pgSkip ? describe.skip : describe;
const needsPostgres = pgSkip ? ` — skipped: ${pgSkip}` : '';

describe('a process that cannot start', () => {
  let dataDir: string;

  beforeAll(async () => {
    await ensureBuilt(['monolith', 'payments-service']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-start-failures-'));
  }, 300_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const service = async (env: NodeJS.ProcessEnv) =>
    runUntilExit('payments-service', {
      SEAM_TOPOLOGY: 'mixed',
      SEAM_INSECURE_TRANSPORT: '1',
      DATA_DIR: dataDir,
      PORT: '0',
      SEAM_PAYMENTS_ADDRESS: `tcp://127.0.0.1:${await freePort()}`,
      ...env,
    });

  it('exits 1 at once, in one line with the remedy, when its TCP server cannot bind the address (EADDRNOTAVAIL)', async () => {
    const ended = await service({ SEAM_LISTEN_HOST: NOT_THIS_MACHINE });
    expect(ended.status).toBe(1);
    expect(ended.seconds).toBeLessThan(10);
    expect(ended.lines.filter((line) => line.includes('ERROR'))).toEqual([
      expect.stringMatching(/The payments service could not start: .*EADDRNOTAVAIL.* set SEAM_LISTEN_HOST/),
    ]);
    expect(stackLines(ended.lines)).toEqual([]);
  });

  it('says which setting to change when its health port is taken', async () => {
    const taken = await freePort();
    const holder = (await import('node:net')).createServer();
    await new Promise<void>((listening) => holder.listen(taken, '127.0.0.1', listening));
    try {
      const ended = await service({ PORT: String(taken) });
      expect(ended.status).toBe(1);
      expect(ended.lines.at(-1)).toMatch(/could not start: The HTTP port .*EADDRINUSE.* set PORT to a free port/);
      expect(stackLines(ended.lines)).toEqual([]);
    } finally {
      holder.close();
    }
  });

  withPostgres(`on PostgreSQL${needsPostgres}`, () => {
    it(`names a database that does not exist in one line, without a stack or the password`, async () => {
      const ended = await runUntilExit('monolith', {
        DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:5432/seam_no_such_database`,
        PORT: '0',
      });
      expect(ended.status).toBe(1);
      expect(ended.lines).toEqual([
        expect.stringMatching(
          /The monolith could not start: the database of \w+ .* "seam_no_such_database" does not exist — create the database/,
        ),
      ]);
      expect(ended.lines.join('\n')).not.toContain(PASSWORD);
    });

    it('tries a PostgreSQL that refuses connections again, one line per try, then names the cause', async () => {
      const ended = await service({
        DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${await freePort()}/postgres`,
      });
      expect(ended.status).toBe(1);
      expect(ended.lines.filter((line) => line.includes('WARN') && line.includes('ECONNREFUSED'))).toHaveLength(2);
      expect(ended.lines.at(-1)).toMatch(
        /could not start: the database of payments .*ECONNREFUSED.* is PostgreSQL running/,
      );
      expect(stackLines(ended.lines)).toEqual([]);
      expect(ended.lines.join('\n')).not.toContain(PASSWORD);
    });
  });
});
