import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * A server a topology relies on that is not one of its own processes — the PostgreSQL server of
 * `monolith-x2-pg`, the private Redis of `split-redis` — measured beside it: its CPU is neither the
 * topology's (the table keeps "all its processes" as it was) nor "other programs" (a cell would be
 * measured again and again because of the database it is using).
 */
export interface ServerProcess {
  /** What it is, for the report (`postgresql`, `redis`). */
  label: string;
  /** Its root process: its CPU is counted with all its descendants (PostgreSQL's backends). */
  pid: number;
}

/**
 * The parent of a PostgreSQL process, from /proc/<pid>/stat, or undefined when `pid` is not a
 * PostgreSQL process of this machine: a server in a container reports pids of its own namespace,
 * which may name an unrelated process here.
 */
export function postgresParentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!/^postgres|^postmaster/.test(command)) return undefined;
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * The PostgreSQL server behind `url` as a {@link ServerProcess} — the postmaster, parent of the
 * backend that answers — or undefined when that backend is not a process of this machine (a server
 * elsewhere, or in a container whose processes are hidden): its CPU is then left out, and said so.
 */
export async function postgresServer(url: string): Promise<ServerProcess | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = postgresParentOf(rows[0]!.pid);
    return postmaster && postmaster > 1 ? { label: 'postgresql', pid: postmaster } : undefined;
  } finally {
    await client.end();
  }
}
