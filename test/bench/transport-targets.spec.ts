import { describe, expect, it } from '@jest/globals';
import { median, type RowFigures } from '../../bench/transport/report.js';
import { evaluateTargets } from '../../bench/transport/targets.js';

const row = (id: string, sequential: number[], concurrent = sequential): RowFigures => ({
  id,
  label: id,
  sequential,
  concurrent,
});

describe("bench:transport's targets", () => {
  it("compares rows measured in the same runs by the median of the runs' own ratios", () => {
    // Each run's metered row is 0.92× its unmetered one, while the machine's speed drifted from run
    // to run: the ratio of the two medians (800 ÷ 900 = 0.89) would read as a miss.
    const rows = new Map([
      ['seam-in-process-unmetered', row('seam-in-process-unmetered', [1_000, 900, 700])],
      ['seam-in-process-metered', row('seam-in-process-metered', [920, 800, 644])],
    ]);
    expect(evaluateTargets(rows, median).filter((line) => line.includes('RED metrics'))).toEqual([
      expect.stringMatching(/^MET RED metrics recorded, in-process \(sequential\): 0\.92×/),
      expect.stringMatching(/^MET RED metrics recorded, in-process \(100 in flight\): 0\.92×/),
    ]);
    // And a run-by-run miss is a miss, however the medians fall.
    rows.set('seam-in-process-metered', row('seam-in-process-metered', [880, 790, 620]));
    expect(evaluateTargets(rows, median).find((line) => line.includes('RED metrics'))).toMatch(
      /^MISSED RED metrics recorded, in-process \(sequential\): 0\.88×/,
    );
  });

  it('falls back to the ratio of the medians when the rows do not have the same runs', () => {
    const rows = new Map([
      ['copy-floor', row('copy-floor', [1_000, 1_000, 1_000])],
      ['seam-in-process', row('seam-in-process', [800, 600])],
    ]);
    expect(evaluateTargets(rows, median).find((line) => line.includes('validation off, default'))).toMatch(
      /^MET Seam in-process, validation off, default propagation \(sequential\): 700 calls\/s = 0\.70× the Floor row/,
    );
  });
});
