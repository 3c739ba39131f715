/**
 * Summarizes V8 CPU profiles (`.cpuprofile`, e.g. from `BENCH_CPU_PROF_DIR=… npm run bench:topology`):
 * where the samples went by package (or Node internals, GC, idle), and the hottest functions by
 * self time.
 *
 *   node --import @swc-node/register/esm-register bench/topology/profile-summary.ts <file.cpuprofile>… [--top N]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to, or what else a sample was. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return 'node: internals';
  const inDist = /dist\/apps\/[^/]+\/(libs\/[^/]+(?:\/[^/]+)?|apps\/[^/]+)/.exec(url);
  return inDist ? inDist[1]! : url;
}

function summarize(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  // The first delta runs from when the profiler was enabled, not from a previous sample: skipped.
  profile.samples.forEach((id, index) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (index === 0 ? 0 : (profile.timeDeltas[index] ?? 0))),
  );
  const totalMicros = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const name = `${functionName || '(anonymous)'} ${url ? `${area}:${lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const busy = totalMicros - (areas.get('(idle)') ?? 0);
  const share = (micros: number) => `${((100 * micros) / Math.max(busy, 1)).toFixed(1).padStart(5)}%`;
  const ranked = (map: Map<string, number>) =>
    [...map]
      .filter(([name]) => name !== '(idle)')
      .toSorted((a, b) => b[1] - a[1])
      .slice(0, top);
  return [
    `== ${basename(file)}: ${(busy / 1e6).toFixed(2)} s busy of ${(totalMicros / 1e6).toFixed(2)} s sampled`,
    'by area (self time, % of busy):',
    ...ranked(areas).map(([area, micros]) => `  ${share(micros)}  ${area}`),
    'hottest functions (self time):',
    ...ranked(functions).map(([name, micros]) => `  ${share(micros)}  ${name}`),
  ].join('\n');
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt === -1 ? 15 : Number(args[topAt + 1]);
const files = args.filter((_arg, index) => topAt === -1 || (index !== topAt && index !== topAt + 1));
process.stdout.write(`${files.map((file) => summarize(file, top)).join('\n\n')}\n`);
