import { describe, expect, it } from '@jest/globals';
import { HELLO_FLOW, HELLO_WORLD } from '../../bench/topology/hello-world.js';
import { type CellFigures, FLOWS, PACED_READ } from '../../bench/topology/load.js';
import { type Cell, evaluateTargets, resultsTable } from '../../bench/topology/report.js';

/** One round of `throughput` req/s over 10 s, `cpuSeconds` spread over `processes`. */
function round(throughput: number, cpuSeconds: number, processes = 1, p99Ms = 5, failures = 0): CellFigures {
  const labels = Array.from({ length: processes }, (_, index) => (index === 0 ? 'monolith' : `service-${index}`));
  return {
    throughput,
    p50Ms: 1,
    p99Ms,
    failures,
    requests: throughput * 10,
    cpuByProcess: new Map(labels.map((label) => [label, cpuSeconds / processes])),
    peakRssByProcess: new Map(labels.map((label) => [label, 100])),
    serverCpuSeconds: 0,
    loadGeneratorCpuSeconds: 0.5,
    otherLoadCores: 0,
  };
}

const [read, place] = FLOWS as [Cell['flow'], Cell['flow']];

/** Cells where the monolith costs `ratio` of split-tcp per request, with a ceiling and a paced cell. */
function cells(ratio: number, pacedP99Ms: number, ceiling = 2_000): Cell[] {
  // split-tcp: 1,000 req/s for 10 s on 10 CPU s over six processes = 1 ms per request.
  const split = [round(1_000, 10, 6)];
  const monolith = [round(1_000, 10 * ratio)];
  return [
    { topology: 'monolith', flow: read, rounds: monolith },
    { topology: 'split-tcp', flow: read, rounds: split },
    { topology: 'monolith', flow: place, rounds: monolith },
    { topology: 'split-tcp', flow: place, rounds: split },
    { topology: HELLO_WORLD, flow: HELLO_FLOW, rounds: [round(ceiling, 1)] },
    { topology: 'monolith', flow: PACED_READ, rounds: [round(1_000, 5, 1, pacedP99Ms)] },
  ];
}

describe('bench:topology targets', () => {
  it('meets the CPU target at half of split-tcp summed over its processes, and misses it above', () => {
    const met = evaluateTargets(cells(0.5, 10));
    expect(met.filter((line) => line.includes('CPU per request'))).toEqual([
      expect.stringMatching(
        /^MET read flow CPU per request: monolith 0\.50 ms ÷ split-tcp 1\.00 ms .* = 0\.50 \(target ≤ 0\.5\)$/,
      ),
      expect.stringMatching(/^MET place flow/),
    ]);
    const missed = evaluateTargets(cells(0.6, 10));
    expect(missed.filter((line) => line.startsWith('MISSED')).map((line) => line.split(':')[0])).toEqual([
      'MISSED read flow CPU per request',
      'MISSED place flow CPU per request',
    ]);
  });

  it("compares the monolith's read with the hello-world ceiling's throughput", () => {
    expect(evaluateTargets(cells(0.5, 10, 2_500))).toContainEqual(
      expect.stringMatching(/^MET read flow in the monolith: .* = 0\.40×/),
    );
    expect(evaluateTargets(cells(0.5, 10, 2_600))).toContainEqual(
      expect.stringMatching(/^MISSED read flow in the monolith: .* = 0\.38×/),
    );
  });

  it('holds the paced read to a p99 under 20 ms, and reports it only when that cell was measured', () => {
    expect(evaluateTargets(cells(0.5, 19))).toContainEqual(expect.stringMatching(/^MET .* at 1,000 req\/s: p99 19 ms/));
    expect(evaluateTargets(cells(0.5, 20))).toContainEqual(
      expect.stringMatching(/^MISSED .* at 1,000 req\/s: p99 20 ms/),
    );
    const lateSends = cells(0.5, 19);
    for (const figures of lateSends.find((cell) => cell.flow.id === 'read-1000')!.rounds) figures.lateSendP99Ms = 3;
    expect(evaluateTargets(lateSends)).toContainEqual(
      expect.stringMatching(/p99 19 ms .*; the load generator itself sent them up to 3 ms late at p99; target/),
    );
    const withoutPaced = cells(0.5, 10).filter((cell) => cell.flow.id !== 'read-1000');
    expect(evaluateTargets(withoutPaced).some((line) => line.includes('at 1,000 req/s'))).toBe(false);
  });

  it("shows the rounds' lowest and highest beside each median the verdicts compare", () => {
    const spread = cells(0.5, 10);
    const monolithPlace = spread.find((cell) => cell.topology === 'monolith' && cell.flow.id === 'place')!;
    // 3, 5 and 6 CPU s for 10,000 requests: 0.30, 0.50 and 0.60 ms; the median 0.50.
    monolithPlace.rounds = [round(1_000, 3), round(1_000, 6), round(1_000, 5)];
    const paced = spread.find((cell) => cell.flow.id === 'read-1000')!;
    paced.rounds = [round(1_000, 5, 1, 4), round(1_000, 5, 1, 21), round(1_000, 5, 1, 12)];
    const lines = evaluateTargets(spread);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^MET place flow CPU per request: monolith 0\.50 ms \(rounds 0\.30–0\.60\) ÷ split-tcp 1\.00 ms \(/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^MET .* at 1,000 req\/s: p99 12 ms \(rounds 4–21\)/));
    // A single round has no spread to show.
    expect(lines).toContainEqual(expect.stringMatching(/^MET read flow CPU per request: monolith 0\.50 ms ÷/));
  });

  it("reports a topology's database server apart: not in its CPU, blank where it uses none", () => {
    const withServer = { ...round(1_000, 10, 2), serverCpuSeconds: 5 };
    const table = resultsTable([
      { topology: 'monolith-x2-pg', flow: read, rounds: [withServer] },
      { topology: 'monolith', flow: read, rounds: [round(1_000, 10)] },
    ]);
    const [, , pg, monolith] = table.split('\n').map((line) => line.split(' | '));
    // CPU s, CPU ms / request, peak RSS, the server's CPU ms / request.
    expect(pg!.slice(6, 10)).toEqual(['10.00', '1.00', '200', '0.50']);
    expect(monolith!.slice(6, 10)).toEqual(['10.00', '1.00', '100', '']);
  });
});
