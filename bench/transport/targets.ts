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
  /**
   * `id`'s rate as a multiple of `baseId`'s: the median of the runs' own ratios — each run measures
   * every row once, rows of a group in turns, so a run's ratio is free of the machine's drift
   * between runs, which a ratio of two medians (possibly from different runs) is not.
   */
  const ratio = (id: string, baseId: string, mode: Mode) => {
    const [row, base] = [rows.get(id), rows.get(baseId)];
    if (!row || !base || row.skipped || base.skipped) return undefined;
    if (row[mode].length !== base[mode].length) return median(row[mode]) / median(base[mode]);
    return median(row[mode].map((value, run) => value / base[mode][run]!));
  };
  const lines: string[] = [];
  for (const mode of MODES) {
    for (const [id, name, target] of [
      ['seam-in-process', 'validation off, default propagation', 0.7],
      ['seam-in-process-explicit', 'validation off, `propagation: false`', 0.85],
      ['seam-in-process-validated', 'validated 3-field DTO both ways, default propagation', 0.5],
      ['seam-in-process-validated-explicit', 'validated 3-field DTO both ways, `propagation: false`', 0.5],
    ] as const) {
      const seam = rate(id, mode);
      const share = ratio(id, 'copy-floor', mode);
      if (seam === undefined || share === undefined) continue;
      lines.push(
        `${verdict(share >= target)} Seam in-process, ${name} (${MODE_NAMES[mode]}): ${formatRate(seam)} calls/s = ${share.toFixed(2)}× the Floor row (target ≥ ${target}×)`,
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
      const times = ratio(seamId, stockId, mode);
      if (times === undefined) continue;
      const figure = `${times.toFixed(2)}× Nest's stock ${stockName}`;
      lines.push(
        isTarget
          ? `${verdict(times >= 1)} Seam ${name}, validation off like the stock row (${MODE_NAMES[mode]}): ${figure} (target ≥ 1.0×)`
          : `For comparison, Seam ${name} (${MODE_NAMES[mode]}): ${figure}`,
      );
    }
  }
  for (const mode of MODES) {
    const metered = ratio('seam-in-process-metered', 'seam-in-process-unmetered', mode);
    if (metered !== undefined)
      lines.push(
        `${verdict(metered >= 0.9)} RED metrics recorded, in-process (${MODE_NAMES[mode]}): ${metered.toFixed(2)}× the same row without them (target ≥ 0.9×, i.e. at most 10% off)`,
      );
    // Separate processes (the register module's loader hook cannot be undone), one of each per run.
    const traced = rate('seam-in-process-traced', mode);
    const tracedShare = ratio('seam-in-process-traced', 'seam-in-process-untraced', mode);
    if (tracedShare !== undefined)
      lines.push(
        `${verdict(tracedShare >= 0.9)} Tracing on without an exporter, in-process (${MODE_NAMES[mode]}): ${tracedShare.toFixed(2)}× the same row without the register module (target ≥ 0.9×, i.e. at most 10% off)`,
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
