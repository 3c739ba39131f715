import type { Topology } from '@seam/runtime';
import type { PlannedProcess } from './topology-plan.js';

/** A process of the run once it answers `/health`. */
export interface HealthyProcess {
  readonly planned: PlannedProcess;
  readonly pid: number;
  /** Its HTTP base URL, as it printed it (`http://localhost:9105`). */
  readonly url: string;
  /** Where the monolith serves its API docs, as it printed it. */
  readonly docs?: string;
}

/** The words tests and people look for once every process is up. */
export const ALL_HEALTHY = 'all healthy';

/** The lines printed once every process of the run answers `/health`: where to reach what, and each pid. */
export function summaryLines(topology: Topology, healthy: readonly HealthyProcess[], elapsedMs: number): string[] {
  const width = Math.max(...healthy.map(({ planned }) => planned.name.length));
  const lines = [
    `start:topology: "${topology.name}" is up, ${ALL_HEALTHY}: ${healthy.length} process${healthy.length === 1 ? '' : 'es'} ` +
      `in ${(elapsedMs / 1000).toFixed(1)} s${topology.description ? ` (${topology.description})` : ''}`,
  ];
  for (const { planned, pid, url, docs } of healthy) {
    const what =
      planned.role.kind === 'monolith'
        ? `the edge: ${url}${docs ? `, API docs ${docs}` : ''}` +
          (planned.address ? `; serves ${topology.monolith.modules.join(', ')} at ${planned.address}` : '')
        : `${planned.address}, health ${url}/health`;
    lines.push(`  ${planned.name.padEnd(width)}  pid ${String(pid).padEnd(7)} ${what}`);
  }
  lines.push(
    'Mesh keys: derived for this run only, in memory; each process holds the pair keys of its own modules.',
    'Ctrl-C stops every process (edge first).',
  );
  return lines;
}
