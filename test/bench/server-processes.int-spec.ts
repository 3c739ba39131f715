import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { Client } from 'pg';
import { cpuBetween, cpuSnapshot, processTree } from '../../bench/topology/process-cpu.js';
import { postgresParentOf, postgresServer } from '../../bench/topology/server-processes.js';

// bench:topology charges monolith-x2-pg's database to a column of its own: it must find that server's processes.
const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

suite(`bench:topology's PostgreSQL server process${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  let client: Client;
  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("finds the postmaster, whose tree holds a connection's backend and whose CPU grows with that connection's work", async () => {
    const server = await postgresServer(database.url);
    // A server whose processes this machine cannot see (elsewhere, another container) is undefined: not here.
    if (!server) throw new Error('the test PostgreSQL runs on this machine, yet its processes were not found');
    expect(server.label).toBe('postgresql');
    expect(readFileSync(`/proc/${server.pid}/comm`, 'utf8').trim()).toMatch(/^postgres|^postmaster/);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(processTree(server.pid)).toContain(rows[0]!.pid);

    const before = cpuSnapshot([server]);
    // About a second of the server's CPU, in this connection's backend.
    await client.query('SELECT count(*) FROM generate_series(1, 5000000)');
    const used = cpuBetween(before, cpuSnapshot([server])).get('postgresql')!;
    expect(used).toBeGreaterThan(0.05);
  });

  it('takes no other process for a PostgreSQL one (a containerised server reports pids of its own namespace)', async () => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(postgresParentOf(rows[0]!.pid)).toBeGreaterThan(1);
    // This process, and its parent, are not PostgreSQL: the pid of a backend elsewhere that lands on them is refused.
    expect(postgresParentOf(process.pid)).toBeUndefined();
    expect(postgresParentOf(process.ppid)).toBeUndefined();
  });
});
