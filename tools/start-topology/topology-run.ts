import { type HealthProbe, waitHealthy } from './health.js';
import { prefixes } from './prefixed-output.js';
import { type HealthyProcess, summaryLines } from './summary.js';
import { describeExit, type Exit, SupervisedProcess } from './supervised-process.js';
import type { PlannedProcess, TopologyPlan } from './topology-plan.js';

/** Where a run writes, what it runs with, and how it hears Ctrl-C; `main.ts` hands in the real ones. */
export interface RunIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Colour the prefixes (and let the processes colour their logs). */
  readonly colour: boolean;
  /** Calls `listener` on SIGINT, SIGTERM or SIGHUP until the returned function is called. */
  readonly onStopSignal: (listener: (signal: NodeJS.Signals) => void) => () => void;
}

/** Limits of a run. */
export interface RunLimits {
  /** How long every process together may take to answer `/health`. */
  readonly readyTimeoutMs: number;
  /** How long each stopping process may take after SIGTERM before it gets SIGKILL. */
  readonly graceMs: number;
}

type Outcome =
  | { kind: 'stopped'; signal: NodeJS.Signals }
  | { kind: 'died'; child: SupervisedProcess; exit: Exit }
  | { kind: 'failed'; message: string };

/**
 * One local run of a planned topology: starts every service, then the monolith, passing their
 * lines on prefixed; prints the summary once all answer `/health`; and stops them all (edge
 * first, SIGTERM then SIGKILL) on Ctrl-C, when one process dies, or when they are not healthy in
 * time. Resolves with the exit status: 0 after Ctrl-C, 1 otherwise — never before every process
 * it started has exited.
 */
export async function runTopology(plan: TopologyPlan, io: RunIo, limits: RunLimits): Promise<number> {
  const children: SupervisedProcess[] = [];
  const waiting = new Map<string, HealthProbe & { stage: string }>();
  const stop = new AbortController();
  let ending = false;
  let end!: (outcome: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => {
    end = (reached) => {
      if (ending) return;
      ending = true;
      stop.abort(new Error('the run is stopping'));
      resolve(reached);
    };
  });
  const labels = prefixes(
    plan.processes.map(({ name }) => name),
    io.colour,
  );
  const childEnv = (planned: PlannedProcess): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...io.env, ...(io.colour ? {} : { NO_COLOR: '1' }) };
    for (const [name, value] of Object.entries(planned.env))
      if (value === undefined) delete env[name];
      else env[name] = value;
    return env;
  };

  const startOne = async (planned: PlannedProcess): Promise<HealthyProcess> => {
    if (ending) throw new Error('the run is stopping');
    const stage: HealthProbe & { stage: string } = { stage: 'starting' };
    waiting.set(planned.name, stage);
    const child = SupervisedProcess.start({
      name: planned.name,
      entry: planned.entry,
      env: childEnv(planned),
      cwd: io.cwd,
      onLine: (line, stream) => (stream === 'stdout' ? io.stdout : io.stderr)(`${labels.get(planned.name)}${line}\n`),
    });
    children.push(child);
    void child.exited.then((exit) => end({ kind: 'died', child, exit }));
    await child.waitForLine(planned.readyLine, stop.signal);
    const port = (await child.waitForLine(planned.httpLine, stop.signal))[1]!;
    const url = `http://localhost:${port}`;
    stage.stage = `waiting for ${url}/health`;
    await waitHealthy(`http://${probeHost(io.env)}:${port}/health`, stop.signal, stage);
    waiting.delete(planned.name);
    const docs = planned.role.kind === 'monolith' ? child.find(/API docs: (\S+)/)?.[1] : undefined;
    return { planned, pid: child.pid, url, ...(docs ? { docs } : {}) };
  };

  const unsubscribe = io.onStopSignal((signal) => {
    if (ending) io.stderr(`start:topology: ${signal} again: already stopping, please wait\n`);
    end({ kind: 'stopped', signal });
  });
  const started = Date.now();
  const deadline = setTimeout(() => {
    const late = [...waiting].map(
      ([name, { stage, last }]) => `${name} (${stage}${last ? `, last answer ${last}` : ''})`,
    );
    end({
      kind: 'failed',
      message: `not all healthy within ${limits.readyTimeoutMs / 1000} s: still waiting for ${late.join(', ')}`,
    });
  }, limits.readyTimeoutMs);
  const services = plan.processes.filter(({ role }) => role.kind === 'service');
  const edge = plan.processes.filter(({ role }) => role.kind === 'monolith');
  // Services first: the monolith calls them from its first moment (the seed, the edge's /health).
  Promise.all(services.map(startOne))
    .then(async (healthy) => [...healthy, ...(await Promise.all(edge.map(startOne)))])
    .then(
      (healthy) => {
        clearTimeout(deadline);
        // Stopping already (Ctrl-C as the last process turned healthy): no summary of a system going away.
        if (ending) return;
        // One write: the summary arrives whole, never with a process's line in the middle of it.
        io.stdout(
          summaryLines(plan.topology, healthy, Date.now() - started)
            .map((line) => `${line}\n`)
            .join(''),
        );
      },
      (error: Error) => end({ kind: 'failed', message: error.message }),
    );

  const reached = await outcome;
  clearTimeout(deadline);
  io.stderr(
    `start:topology: ${explain(reached)}; stopping ${children.filter((child) => child.alive).length} process(es)\n`,
  );
  await stopAll(children, limits.graceMs);
  unsubscribe();
  io.stderr(`start:topology: every process has exited\n`);
  return reached.kind === 'stopped' ? 0 : 1;
}

/** The edge first, so that no request is left half-way through services already gone; then the rest at once. */
async function stopAll(children: readonly SupervisedProcess[], graceMs: number): Promise<void> {
  const edge = children.filter(({ name }) => name === 'monolith');
  await Promise.all(edge.map((child) => child.stop(graceMs)));
  await Promise.all(children.map((child) => child.stop(graceMs)));
}

function explain(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'stopped':
      return `${outcome.signal} received`;
    case 'died':
      return `${outcome.child.name} (pid ${outcome.child.pid}) exited unexpectedly (${describeExit(outcome.exit)}); its output is above`;
    case 'failed':
      return outcome.message;
  }
}

/** Where to reach the processes' HTTP ports from here: loopback, unless `SEAM_HTTP_HOST` names one address. */
function probeHost(env: NodeJS.ProcessEnv): string {
  const host = env.SEAM_HTTP_HOST?.trim();
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
