/**
 * The flags every Seam app is started with, before its entry file: `node <flags> main.js`. The
 * image's entrypoint (deploy/Dockerfile), `npm start`, `npm run start:topology` and the test and
 * benchmark launchers (`TopologyProcesses`, bench:startup) pass them, and tests check that the
 * Dockerfile, `npm start` and start:topology's processes carry them. `nest start <app>` (development,
 * the Nest CLI's own `node`) does not.
 *
 * `--min-semi-space-size=16` (MiB): V8 sizes the young generation by the allocation rate it
 * sees, and after a quiet spell — or when a process stopped for a while goes on — it shrinks it to
 * 1 MiB per semi-space. Load arriving then fills it every few milliseconds, and with requests in
 * flight each young collection copies much of what it finds and promotes the rest: once, ~100 young
 * collections in 2.5 s after a full collection had shrunk it from 128 to 4 MiB. With the floor at
 * 16 MiB, the paced read's later rounds in bench:topology read p99 8–10 ms (four rounds); without it,
 * 6–165 ms, and 165 and 110 in the full run just before (docs/benchmarks.md, 2026-12-07). It costs
 * ~5 MiB of RSS after start (157 → 161 MiB).
 *
 * `--no-memory-reducer`: after a burst of load, once V8 sees the allocation rate fall, its memory
 * reducer runs a full collection that compacts the whole heap to give memory back — a pause of
 * ~100 ms (93 and 101 ms measured) at whatever moment it decides, under the load that follows. In
 * the monolith, reads at 1,000 a second that began a minute after a burst of orders read p99 41,
 * 85, 134 and 139 ms with the reducer (its collection in the window each time) and 4.0, 5.4 and
 * 5.5 ms without it (the same probe, in turns, 2026-12-07). The cost: a process keeps the heap it
 * grew to until its next ordinary collection — after that burst, ~200 MiB committed instead of
 * ~115 — where an idle process would have returned it.
 *
 * On the command line because it cannot be anywhere else: Node refuses it in NODE_OPTIONS, and V8
 * sizes its heap once, before any code runs.
 */
export const SEAM_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--no-memory-reducer'];
