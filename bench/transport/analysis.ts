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
    `- The floor row does what the semantics require of any in-process transport — copy the request and the response with JSON semantics and run the handler after the caller's synchronous code — through Nest's handler pipeline, and reaches ${formatRate(floor)} calls/s (${ratio(floor, pipeline)} the pipeline alone).`,
    `- Seam composes each contract handler once at start-up (\`fastHandlers\`, its argument list included): a call runs the door validation, the method and the error mapping directly instead of Nest's per-call pipeline of guards, pipes and interceptors, which a contract handler without them does not need and which allocates about 3 KB per call. Seam with \`propagation: false\` runs at ${ratio(explicit, floor)} the floor, and adds what the floor leaves out: the W3C trace context and caller of every call (two ids), the deadline, the routing to the module's server, the pending-call accounting, the metrics of the call.`,
    `- Implicit propagation uses AsyncLocalStorage: on ${process.version} Nest's own pipeline runs at ${ratio(pipelineAls, pipeline)} of itself when any AsyncLocalStorage is active (${formatRate(pipelineAls)} calls/s), and Seam's default row at ${ratio(implicit, explicit)} of its \`propagation: false\` row (one scope entered per call).`,
  ];
  if (semispace) {
    lines.push(
      `- Garbage collection: the objects that live as long as a call (its packet, metadata, deadline ticket, RPC context) are instances of classes, not object or array literals. V8 follows the survival of literals per allocation site and, seeing those of the calls in flight at each collection, decided in most processes to allocate them straight into the old generation: every call then fed the slow collector, and a row ran at either of two speeds, ~1.7× apart, from one process to the next (found with \`--trace-deopt\`: "dependent allocation site tenuring changed" in the call path; scratch runs with \`--no-allocation-site-pretenuring\` ran at the fast one). With a larger young generation (\`node --max-semi-space-size=64\`) the same code runs at ${formatRate(semispace)} calls/s (${ratio(semispace, explicit)}).`,
    );
  }
  return lines;
}
