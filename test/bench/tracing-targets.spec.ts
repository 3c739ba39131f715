import { describe, expect, it } from '@jest/globals';
import type { CellFigures } from '../../bench/topology/load.js';
import { FLOWS } from '../../bench/topology/load.js';
import { summarizeComparison, observabilityTargets } from '../../bench/topology/observability-report.js';

/** A cell of `throughput` req/s over 10 s, its process using `cpuSeconds`. */
function cell(throughput: number, cpuSeconds = 1, failures = 0): CellFigures {
  return {
    throughput,
    p50Ms: 1,
    p99Ms: 2,
    failures,
    requests: throughput * 10,
    cpuByProcess: new Map([['monolith', cpuSeconds]]),
    peakRssByProcess: new Map([['monolith', 100]]),
    serverCpuSeconds: 0,
    loadGeneratorCpuSeconds: 0.5,
    otherLoadCores: 0,
  };
}

const read = FLOWS.find((flow) => flow.id === 'read')!;

describe('observability comparison', () => {
  describe('summarizeComparison', () => {
    it("takes the median of the rounds' own ratios, not the ratio of the medians", () => {
      // Medians of each side: off 1000, on 950 (0.95); the rounds' ratios: 0.5, 0.9, 0.99 → 0.9.
      const figures = summarizeComparison({
        flow: read,
        pairs: [
          { off: cell(2_000), on: cell(1_000) },
          { off: cell(1_000), on: cell(900) },
          { off: cell(960), on: cell(950) },
        ],
      });
      expect(figures.offThroughput).toBe(1_000);
      expect(figures.onThroughput).toBe(950);
      expect(figures.throughputRatio).toBeCloseTo(0.9, 10);
    });

    it('compares CPU per request, each side by its own requests', () => {
      // off: 1 s for 10,000 requests = 0.1 ms; on: 1 s for 8,000 = 0.125 ms.
      const figures = summarizeComparison({ flow: read, pairs: [{ off: cell(1_000, 1), on: cell(800, 1) }] });
      expect(figures.offCpuMs).toBeCloseTo(0.1, 10);
      expect(figures.onCpuMs).toBeCloseTo(0.125, 10);
      expect(figures.cpuRatio).toBeCloseTo(1.25, 10);
    });
  });

  describe('observabilityTargets', () => {
    it('meets the target at exactly 5% off and misses it below', () => {
      const [met] = observabilityTargets([{ flow: read, pairs: [{ off: cell(1_000), on: cell(950) }] }]);
      const [missed] = observabilityTargets([{ flow: read, pairs: [{ off: cell(1_000), on: cell(949) }] }]);
      expect(met).toMatch(/^MET read flow .*0\.950×/);
      expect(missed).toMatch(/^MISSED read flow .*0\.949×/);
    });

    it('names what was compared: metrics and tracing as deployed against both turned off', () => {
      const [line] = observabilityTargets([{ flow: read, pairs: [{ off: cell(1_000), on: cell(990) }] }]);
      expect(line).toContain('metrics on and tracing on without an exporter');
      expect(line).toContain('both off (SEAM_METRICS=off, OTEL_SDK_DISABLED=true)');
    });

    it("gives the rounds' lowest and highest ratio beside the median, none for a single round", () => {
      const [line] = observabilityTargets([
        {
          flow: read,
          pairs: [
            { off: cell(1_000), on: cell(900) },
            { off: cell(1_000), on: cell(990) },
            { off: cell(1_000), on: cell(960) },
          ],
        },
      ]);
      expect(line).toMatch(/^MET .*0\.960×.*median of 3 paired rounds, their throughput ratios 0\.900–0\.990;/);
      const [single] = observabilityTargets([{ flow: read, pairs: [{ off: cell(1_000), on: cell(960) }] }]);
      expect(single).toMatch(/median of 1 paired rounds; target/);
    });

    it('misses a flow whose requests failed, however fast it answered', () => {
      const [line] = observabilityTargets([{ flow: read, pairs: [{ off: cell(1_000), on: cell(2_000, 1, 3) }] }]);
      expect(line).toMatch(/^MISSED .*3 requests failed/);
    });
  });
});
