/**
 * `npm run bench:profile`: where the CPU of a request goes. Runs `bench:topology` once with a CPU
 * profile of every process over each measured window (BENCH_TOPOLOGIES, default monolith and
 * split-tcp; the other BENCH_* settings apply), charges each profile's busy time to categories
 * (profile-categories.ts), scales them by the CPU ms per request that process used in that cell,
 * and prints and writes the table to docs/benchmarks.md (section `profile`; BENCH_PROFILE_LABEL
 * names the run, default "now": a run labelled otherwise is added beside it, so that a table
 * "before" a change stays next to the one after).
 *
 * Profiling slows every process a little; the shares, not the absolute figures, are the point.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, writeDocsSection } from '../transport/report.js';
import { CATEGORIES, type Category, categorize } from './profile-categories.js';

const dir = mkdtempSync(join(tmpdir(), 'seam-profile-'));
const label = process.env.BENCH_PROFILE_LABEL ?? 'now';
try {
  const output = execFileSync(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', 'bench/topology/main.ts'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        BENCH_CPU_PROF_DIR: dir,
        BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '1',
        BENCH_TOPOLOGIES: process.env.BENCH_TOPOLOGIES ?? 'monolith,split-tcp',
      },
    },
  );
  const perProcess = perProcessCpu(output);
  const rows: string[] = [];
  for (const [cell, processes] of perProcess) {
    const [topology, flow] = cell.split('|') as [string, string];
    const totals = new Map<Category, number>(CATEGORIES.map((category) => [category, 0]));
    for (const [processLabel, cpuMs] of processes) {
      const file = readdirSync(dir).find(
        (name) => name.startsWith(`${topology}-${flow}-`) && name.endsWith(`-${processLabel}.cpuprofile`),
      );
      if (!file) continue;
      const busy = categorize(join(dir, file));
      const sum = [...busy.values()].reduce((a, b) => a + b, 0) || 1;
      for (const [category, micros] of busy) totals.set(category, totals.get(category)! + (cpuMs * micros) / sum);
    }
    const total = [...totals.values()].reduce((a, b) => a + b, 0);
    rows.push(
      `| ${flow} | ${topology} | ${CATEGORIES.map((c) => totals.get(c)!.toFixed(2)).join(' | ')} | ${total.toFixed(2)} |`,
    );
  }
  const table = [
    `| Flow | Topology | ${CATEGORIES.join(' | ')} | total |`,
    `| --- | --- | ${CATEGORIES.map(() => '---:').join(' | ')} | ---: |`,
    ...rows,
  ];
  const heading = `### ${label} (${new Date().toISOString().slice(0, 10)}, ${describeMachine()})`;
  process.stdout.write(`\n${heading}\n\n${table.join('\n')}\n`);
  writeDocsSection('docs/benchmarks.md', 'profile', profileSection(heading, table));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** `topology|flow` → process label → CPU ms per request, from bench:topology's per-process table. */
function perProcessCpu(output: string): Map<string, Map<string, number>> {
  const cells = new Map<string, Map<string, number>>();
  for (const line of output.split('\n')) {
    const match = /^\| (\w+) \| ([\w-]+) \| ((?:[\w#-]+ [\d.]+(?: · )?)+) \|$/.exec(line.trim());
    if (!match) continue;
    const processes = new Map<string, number>();
    for (const part of match[3]!.split(' · ')) {
      const [name, value] = part.split(' ') as [string, string];
      processes.set(name, Number(value));
    }
    cells.set(`${match[2]}|${match[1]}`, processes);
  }
  return cells;
}

/** The section's text: this run's table, after the tables of runs labelled otherwise. */
function profileSection(heading: string, table: string[]): string {
  const docs = readFileSync('docs/benchmarks.md', 'utf8');
  const previous = /<!-- bench:profile:start -->\n([\s\S]*?)<!-- bench:profile:end -->/.exec(docs)?.[1] ?? '';
  const kept = previous
    .split(/(?=^### )/m)
    .filter((part) => part.startsWith('### ') && !part.startsWith(`### ${label} (`))
    .map((part) => part.trimEnd());
  return [
    "## Where a request's CPU goes (`npm run bench:profile`)",
    '',
    'CPU ms per request by category, from CPU profiles of every process of the topology over the measured',
    'window of `bench:topology` (one round), scaled by the CPU each process used per request. Native code',
    '(socket writes, HMACs, SQLite) is charged to the category of the code that called it.',
    '',
    "V8's sampling profiler charges native code more than a system-wide profiler does: read the SQL driver",
    'column as an upper bound, the JavaScript categories as understated in proportion. On 2026-12-06 (AMD',
    'EPYC), `perf record -g` of the monolith under the same loads put everything under better-sqlite3 (SQLite',
    "and the kernel work it asks for: WAL writes, file locks) at 14% of the read's CPU and 34% of an order's,",
    "where V8's profiles of the same flows put the SQL driver at 21–41% of the read and 46% of an order; timed",
    "around each statement (`process.hrtime`), the read's four statements took 53 µs of its ~370.",
    '',
    ...kept.flatMap((part) => [part, '']),
    heading,
    '',
    ...table,
    '',
  ].join('\n');
}
