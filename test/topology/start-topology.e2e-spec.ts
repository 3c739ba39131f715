import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SEAM_NODE_FLAGS } from '@seam/runtime';
import { ensureBuilt, eventually, freePort, type ServiceProcess, spawnService } from '@seam/testing';
import { movedTopologyFile } from './support/moved-topology-file.js';
import { serviceInstancesOf, shippedModules } from './support/shipped-topology.js';

const TOOL = 'tools/start-topology/main.ts';
/** The shop's five modules and any added since (`npm run add:module`): the suite runs what the repository ships. */
const APPS = ['monolith', ...shippedModules().map((module) => `${module}-service`)];
/** split-tcp's processes: a service per module, and the edge (six for the shop). */
const SPLIT_TCP_PROCESSES = serviceInstancesOf('split-tcp').length + 1;
/** A loaded 2-core machine starts six Node processes slowly: the margins are wide on purpose. */
const START_MS = 240_000;

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line a process was started with (`node`, its flags, the entry file, …). */
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

/** The pids the summary lists, one per process of the topology. */
const pidsIn = (output: string) => [...output.matchAll(/^ {2}\S+ +pid (\d+) /gm)].map((match) => Number(match[1]));

const started: { tool: ServiceProcess; pids: number[] }[] = [];
const dirs: string[] = [];

/** Runs the tool on `topology` (its ports moved to free ones) and waits for its summary. */
async function startTool(topology: string): Promise<{ tool: ServiceProcess; pids: number[]; edgePort: number }> {
  const file = await movedTopologyFile(topology);
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-start-topology-data-'));
  dirs.push(dataDir, join(file, '..'));
  const edgePort = await freePort();
  const tool = await spawnService({
    entry: TOOL,
    args: [topology],
    env: { SEAM_TOPOLOGY_FILE: file, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(edgePort), NO_COLOR: '' },
    readyLine: /all healthy/,
    readyTimeoutMs: START_MS,
  });
  // The summary's first line made it ready; its last says it is whole.
  await eventually(() => expect(tool.output()).toContain('Ctrl-C stops every process'));
  const run = { tool, pids: pidsIn(tool.output()) };
  started.push(run);
  return { ...run, edgePort };
}

describe('npm run start:topology (the tool as a process, on the built apps)', () => {
  beforeAll(async () => {
    // `npm test` builds before jest; a lone jest run builds here (once for every suite).
    await ensureBuilt(APPS);
  }, START_MS);

  afterAll(async () => {
    // After a failed check: nothing this suite started may outlive it.
    for (const { tool, pids } of started) {
      await tool.stop(1_000);
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(
    'split-tcp: every process answers, lines are prefixed; Ctrl-C stops them all and leaves none behind',
    async () => {
      const { tool, pids, edgePort } = await startTool('split-tcp');
      const output = tool.output();

      expect(pids).toHaveLength(SPLIT_TCP_PROCESSES);
      // Node's flags for a Seam app (SEAM_NODE_FLAGS), before the entry file: what the image passes.
      for (const pid of pids) {
        const argv = commandLine(pid);
        const entry = argv.findIndex((argument) => /dist\/apps\/[\w-]+\/main\.js$/.test(argument));
        expect(entry).toBeGreaterThan(0);
        expect(argv.slice(1, entry)).toEqual(expect.arrayContaining([...SEAM_NODE_FLAGS]));
      }
      expect(output).toContain(`the edge: http://localhost:${edgePort}`);
      expect((await fetch(`http://127.0.0.1:${edgePort}/health`)).status).toBe(200);
      expect(output).toMatch(/^\[orders\] +.*Service orders ready/m);
      expect(output).toMatch(/^\[monolith\] +.*Listening on http:\/\/localhost:/m);
      // Not a terminal: no colour, neither in the prefixes nor in the processes' own logs.
      expect(output).not.toContain('\u001b[');

      tool.signal('SIGINT');

      expect(await tool.exited).toBe(0);
      expect(tool.output()).toContain(`SIGINT received; stopping ${SPLIT_TCP_PROCESSES} process(es)`);
      expect(tool.output()).toContain('every process has exited');
      expect(pids.filter(alive)).toEqual([]);
    },
    START_MS + 60_000,
  );

  it(
    'a process that dies: the tool stops the others and exits non-zero, naming it',
    async () => {
      const { tool, pids } = await startTool('mixed');
      const inventory = Number(/^ {2}inventory +pid (\d+) /m.exec(tool.output())![1]);

      process.kill(inventory, 'SIGKILL');

      expect(await tool.exited).toBe(1);
      expect(tool.output()).toMatch(
        new RegExp(`inventory \\(pid ${inventory}\\) exited unexpectedly \\(SIGKILL\\); its output is above`),
      );
      // The tool returns only once every process it started has exited.
      expect(pids.filter(alive)).toEqual([]);
    },
    START_MS + 60_000,
  );
});
