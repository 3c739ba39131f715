import { formatRate, type RowFigures } from './report.js';

/**
 * What the figures of this run say about the in-process targets, with the numbers filled in
 * from the same run (sequential medians). The reasoning comes from profiling; see docs/benchmarks.md.
 */
export function inProcessAnalysis(rows: Map<string, RowFigures>, median: (values: number[]) => number): string[] {
  const rate = (id: string) => {
    const row = rows.get(id);
    return row && !row.skipped && row.sequential.length > 0 ? median(row.sequential) : undefined;
  };
  const pipeline = rate('nest-pipeline');
  const floor = rate('copy-floor');
  const pipelineAls = rate('nest-pipeline-als');
  const explicit = rate('seam-in-process-explicit');
  const implicit = rate('seam-in-process');
  const semispace = rate('seam-in-process-explicit-semispace');
  if (!pipeline || !floor || !pipelineAls || !explicit || !implicit) return [];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const lines = [
    `- The floor row does only what the semantics require of any in-process transport — copy the request and the response with JSON semantics and run the handler after the caller's synchronous code — and reaches ${formatRate(floor)} calls/s, ${ratio(floor, pipeline)} the pipeline alone: the 0.75× target is below that floor on this machine before deadlines, context or routing are added.`,
    `- Seam in-process with \`propagation: false\` runs at ${ratio(explicit, floor)} the floor. What it adds: the W3C trace context and caller of every call (two random ids per root call), the deadline, the routing to the module's server, the pending-call accounting.`,
    `- Implicit propagation uses AsyncLocalStorage (Node 20 ran hooks on every promise of the process while one was active; Node 24 tracks the context without them): on ${process.version} Nest's own pipeline runs at ${ratio(pipelineAls, pipeline)} of itself when any AsyncLocalStorage is active (${formatRate(pipelineAls)} calls/s), and Seam's default row at ${ratio(implicit, explicit)} of its \`propagation: false\` row.`,
  ];
  if (semispace) {
    lines.push(
      `- Garbage collection is a large share of the remainder: Nest's pipeline allocates ~2.7 KB per call and V8 starts to pretenure some of the short-lived objects. With a larger young generation (\`node --max-semi-space-size=64\`) the same code runs at ${formatRate(semispace)} calls/s (${ratio(semispace, explicit)}).`,
    );
  }
  return lines;
}
