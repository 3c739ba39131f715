import { formatRate, type RowFigures } from './report.js';

type Mode = 'sequential' | 'concurrent';
const MODES: Mode[] = ['sequential', 'concurrent'];
const MODE_NAMES: Record<Mode, string> = { sequential: 'sequential', concurrent: '100 in flight' };

/** The targets of the transport benchmark, as lines saying met/missed with the figures. */
export function evaluateTargets(rows: Map<string, RowFigures>, median: (values: number[]) => number): string[] {
  const rate = (id: string, mode: Mode) => {
    const row = rows.get(id);
    return row && !row.skipped ? median(row[mode]) : undefined;
  };
  const lines: string[] = [];
  for (const mode of MODES) {
    for (const [seamId, pipelineId, name] of [
      ['seam-in-process', 'nest-pipeline', 'default propagation'],
      ['seam-in-process-explicit', 'nest-pipeline', '`propagation: false`'],
    ] as const) {
      const seam = rate(seamId, mode);
      const pipeline = rate(pipelineId, mode);
      if (seam === undefined || pipeline === undefined) continue;
      const met = seam >= 1_000_000 || seam >= 0.75 * pipeline;
      lines.push(
        `${verdict(met)} Seam in-process, validation off, ${name} (${MODE_NAMES[mode]}): ${formatRate(seam)} calls/s = ${(seam / pipeline).toFixed(2)}× Nest's handler pipeline (target ≥ 1,000,000 or ≥ 0.75×)`,
      );
    }
    for (const [id, name] of [
      ['seam-in-process-validated', 'default propagation'],
      ['seam-in-process-validated-explicit', '`propagation: false`'],
    ] as const) {
      const validated = rate(id, mode);
      if (validated === undefined) continue;
      lines.push(
        `${verdict(validated >= 200_000)} Seam in-process, validation on, ${name} (${MODE_NAMES[mode]}): ${formatRate(validated)} calls/s (target ≥ 200,000)`,
      );
    }
    for (const [seamId, stockId, name, stockName] of [
      ['seam-tcp', 'nest-tcp', 'TCP', 'TCP'],
      ['seam-redis', 'nest-redis', 'Redis', 'Redis'],
      ['seam-tcp-auth', 'nest-tcp', 'TCP with authenticated envelopes', 'TCP (no authentication)'],
      ['seam-redis-auth', 'nest-redis', 'Redis with authenticated envelopes', 'Redis (no authentication)'],
    ] as const) {
      const ours = rate(seamId, mode);
      const stock = rate(stockId, mode);
      if (ours === undefined || stock === undefined) continue;
      lines.push(
        `${verdict(ours >= stock)} Seam ${name}, validation off like the stock row (${MODE_NAMES[mode]}): ${(ours / stock).toFixed(2)}× Nest's stock ${stockName} (target ≥ 1.0×)`,
      );
    }
  }
  const signing = rate('auth-alone', 'sequential');
  if (signing !== undefined)
    lines.push(
      `Cost of authentication per call (sign and verify the request and its reply, one thread): ${(1e6 / signing).toFixed(1)} µs`,
    );
  return lines;
}

function verdict(met: boolean): string {
  return met ? 'MET' : 'MISSED';
}
