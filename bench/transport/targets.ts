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
    const floor = rate('copy-floor', mode);
    for (const [id, name, target] of [
      ['seam-in-process', 'validation off, default propagation', 0.7],
      ['seam-in-process-explicit', 'validation off, `propagation: false`', 0.85],
      ['seam-in-process-validated', 'validated 3-field DTO both ways, default propagation', 0.5],
      ['seam-in-process-validated-explicit', 'validated 3-field DTO both ways, `propagation: false`', 0.5],
    ] as const) {
      const seam = rate(id, mode);
      if (seam === undefined || floor === undefined) continue;
      lines.push(
        `${verdict(seam >= target * floor)} Seam in-process, ${name} (${MODE_NAMES[mode]}): ${formatRate(seam)} calls/s = ${(seam / floor).toFixed(2)}× the Floor row (target ≥ ${target}×)`,
      );
    }
    for (const [seamId, stockId, name, stockName, isTarget] of [
      ['seam-tcp-auth', 'nest-tcp', 'TCP, authenticated', 'TCP (no authentication)', true],
      [
        'seam-redis-acl',
        'nest-redis',
        'Redis, authenticated (callers vouched for by their ACL users, the default with a Redis user per process)',
        'Redis (no authentication)',
        true,
      ],
      [
        'seam-redis-auth',
        'nest-redis',
        'Redis with a MAC per envelope (a Redis without a user per process, or SEAM_REDIS_ACL_IDENTITIES=0)',
        'Redis (no authentication)',
        false,
      ],
      ['seam-tcp', 'nest-tcp', 'TCP without authentication', 'TCP', false],
      ['seam-redis', 'nest-redis', 'Redis without authentication', 'Redis', false],
    ] as const) {
      const ours = rate(seamId, mode);
      const stock = rate(stockId, mode);
      if (ours === undefined || stock === undefined) continue;
      const figure = `${(ours / stock).toFixed(2)}× Nest's stock ${stockName}`;
      lines.push(
        isTarget
          ? `${verdict(ours >= stock)} Seam ${name}, validation off like the stock row (${MODE_NAMES[mode]}): ${figure} (target ≥ 1.0×)`
          : `For comparison, Seam ${name} (${MODE_NAMES[mode]}): ${figure}`,
      );
    }
  }
  for (const mode of MODES) {
    const plain = rate('seam-in-process-unmetered', mode);
    const metered = rate('seam-in-process-metered', mode);
    if (plain !== undefined && metered !== undefined)
      lines.push(
        `${verdict(metered >= 0.9 * plain)} RED metrics recorded, in-process (${MODE_NAMES[mode]}): ${(metered / plain).toFixed(2)}× the same row without them (target ≥ 0.9×, i.e. at most 10% off)`,
      );
    // Separate processes (the register module's loader hook cannot be undone): medians of runs.
    const untraced = rate('seam-in-process-untraced', mode);
    const traced = rate('seam-in-process-traced', mode);
    if (untraced !== undefined && traced !== undefined)
      lines.push(
        `${verdict(traced >= 0.9 * untraced)} Tracing on without an exporter, in-process (${MODE_NAMES[mode]}): ${(traced / untraced).toFixed(2)}× the same row without the register module (target ≥ 0.9×, i.e. at most 10% off)`,
      );
    const recording = rate('seam-in-process-traced-recording', mode);
    if (traced !== undefined && recording !== undefined)
      lines.push(
        `For comparison, the tracing SDK recording every span with no exporter, in-process (${MODE_NAMES[mode]}): ${(recording / traced).toFixed(2)}× the traced row that records none (${(1e6 / recording - 1e6 / traced).toFixed(1)} µs more per call)`,
      );
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
