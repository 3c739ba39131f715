/**
 * `npm run bench:startup`: how fast the built monolith starts and how much memory it holds then.
 * Each run spawns `dist/apps/monolith/main.js` on a fresh DATA_DIR (SQLite: the first start
 * creates every module's database and runs its migrations), polls `/health` from the moment of
 * the spawn until it answers 200, reads the process's RSS, stops it, then starts it again on the
 * same data (a restart: nothing to migrate). Medians are printed, checked against the targets and
 * written to their section of docs/benchmarks.md.
 *
 * Each start waits for a quiet machine and is taken again (up to 3 times, the quietest kept) when
 * other programs kept more than BENCH_MAX_OTHER_LOAD cores (0.3) busy meanwhile, as bench:topology's
 * cells are: a start shares two cores with whatever else runs.
 *
 * BENCH_STARTUP_RUNS (5), BENCH_POLL_MS (10), BENCH_MAX_OTHER_LOAD (0.3), BENCH_NOTE (a line under
 * the date). Run `npm run build` first (the npm script does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@seam/testing';
import { benchSetting, maxOtherLoad } from '../bench-setting.js';
import { measureQuietly } from '../topology/process-cpu.js';
import { describeMachine, formatRate, median, writeDocsSection } from '../transport/report.js';
import { measureStart, type StartFigures } from './measure-start.js';

const RUNS = benchSetting('BENCH_STARTUP_RUNS', process.env.BENCH_STARTUP_RUNS, 5, {
  what: 'starts measured, each of a new install and a restart',
  whole: true,
});
const POLL_MS = benchSetting('BENCH_POLL_MS', process.env.BENCH_POLL_MS, 10, {
  what: 'milliseconds between two polls of /health',
});
const MAX_OTHER_LOAD = maxOtherLoad();
const ENTRY = 'dist/apps/monolith/main.js';
const TARGET_START_MS = 1_500;
const TARGET_RSS_MIB = 200;

/** Where the time goes: from profiles and debug-level runs (their timestamps), not measured by this script. */
const FINDINGS = [
  '### Where the time goes',
  '',
  "Creating the databases and running every module's migrations costs little: the first start and the",
  'restart take about as long. Most of a cold start is loading code before Nest runs (`node --cpu-prof`',
  'and a module-load hook, 2026-12-05):',
  '',
  '- Until 2026-12-05 the monolith loaded about 2,700 modules one file at a time (resolve, stat, read',
  "  package.json, compile): es-toolkit's 428 (which @nestjs/swagger imports file by file), TypeORM's 294,",
  "  rxjs's 224, @nestjs/common's 188 and @nestjs/core's 186, class-validator, validator and",
  "  libphonenumber-js's 320. The packages only the app's own code imports are now bundled",
  '  (`rspack.config.js`, `BUNDLED_PACKAGES`): about 1,800 modules are left, and a test proves none of the',
  '  bundled ones is loaded a second time from node_modules.',
  "- The identity module's dummy password hash ran in the modules' init hooks, one after the other, and",
  "  the seed wrote the demo catalog before it hashed the admin's password: the dummy hash now starts",
  '  while the databases open, and the two seed steps run side by side.',
  '- Together, in paired runs on the same machine (10 rounds, alternating): 1,877 ms before, 1,548 ms',
  '  after (medians).',
  '- Later the same day: ioredis and pg are imported at their first use (a Redis transport or throttle',
  '  store, a PostgreSQL schema to prepare), so a monolith on SQLite with in-process calls loads ~140',
  '  modules fewer and holds ~11 MiB less; and the OpenAPI document is built at the first request for',
  '  `/docs` or `/docs-json` instead of before listening (walking every route and DTO: ~60 ms of the main',
  '  thread). Paired runs (14 rounds, alternating): 1,583 ms before, 1,471 ms after (medians).',
  '- Until 2026-12-06 a start was taken whatever else ran on the machine. The full run of 04:05 that day',
  '  measured 1,844 ms with a floor of 191 ms; on the same kind of machine, quiet, the floor is 77–99 ms and',
  '  the first start 1,120–1,260 ms. Each start now waits for a quiet machine and is taken again when other',
  '  programs kept more than 0.3 cores busy meanwhile (the column above gives the most any kept start saw).',
  '',
  "What is left is mostly Nest's own packages (about 580 ES module files), TypeORM and rxjs (about 520",
  'CommonJS files). They stay external: packages left in node_modules import them too, and a second copy',
  "would split Nest's injection tokens and metadata. Bundling every package fails: in the bundle",
  '@nestjs/common is an async module (top-level await) that a CommonJS package (@nestjs/throttler) cannot',
  'require. After the code is loaded, creating the modules and opening their databases takes ~0.3 s, and',
  "the seed waits ~0.15 s for the admin's password hash (scrypt on the thread pool; the main thread is idle",
  "meanwhile). Tried and left out: Node's compile cache (`NODE_COMPILE_CACHE`) took another ~75 ms off a",
  'start whose cache was warm, but a new container starts with an empty one; compiling the bundle without',
  'comments and whitespace (3.0 → 2.0 MB) saved ~20 ms, within the noise, for unreadable stack traces.',
];

const load = loadavg()[0]!;
const first: StartFigures[] = [];
const restart: StartFigures[] = [];
const floor: StartFigures[] = [];
// The floor: Node itself starting a node:http server that answers /health, measured the same way.
const floorDir = mkdtempSync(join(tmpdir(), 'seam-bench-startup-floor-'));
const floorEntry = join(floorDir, 'health.mjs');
writeFileSync(
  floorEntry,
  "import { createServer } from 'node:http';\n" +
    "createServer((request, response) => response.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n",
);
for (let run = 1; run <= RUNS; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-bench-startup-'));
  try {
    const env = {
      DATA_DIR: dataDir,
      NO_COLOR: '1',
      JWT_SECRET: 'seam-startup-benchmark-signing-key-0123456789',
    };
    const start = (entry: string, startEnv: Record<string, string>) =>
      measureQuietly(
        async () => measureStart({ entry, env: startEnv, port: await freePort(), pollMs: POLL_MS, timeoutMs: 60_000 }),
        { maxOtherCores: MAX_OTHER_LOAD },
      );
    first.push(await start(ENTRY, env));
    restart.push(await start(ENTRY, env));
    floor.push(await start(floorEntry, {}));
    process.stderr.write(
      `run ${run}/${RUNS}: first start ${Math.round(first.at(-1)!.healthyMs)} ms (${first.at(-1)!.rssMiB.toFixed(0)} MiB), ` +
        `restart ${Math.round(restart.at(-1)!.healthyMs)} ms (${restart.at(-1)!.rssMiB.toFixed(0)} MiB), ` +
        `floor ${Math.round(floor.at(-1)!.healthyMs)} ms; other programs ${[first, restart, floor].map((all) => all.at(-1)!.otherLoadCores.toFixed(2)).join(' / ')} cores\n`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
rmSync(floorDir, { recursive: true, force: true });

const row = (label: string, figures: StartFigures[]) => {
  const times = figures.map(({ healthyMs }) => healthyMs);
  const rss = figures.map(({ rssMiB }) => rssMiB);
  const others = figures.map(({ otherLoadCores }) => otherLoadCores);
  return `| ${label} | ${formatRate(median(times))} | ${formatRate(Math.min(...times))}–${formatRate(Math.max(...times))} | ${median(rss).toFixed(0)} | ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} | ${Math.max(...others).toFixed(2)} |`;
};
const table = [
  '| Start | process start → /health 200, median (ms) | range (ms) | RSS after start, median (MiB) | range (MiB) | other programs, most during a start (cores) |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  row('first start (empty DATA_DIR: databases created, migrations run)', first),
  row('restart (same DATA_DIR)', restart),
  row('floor: `node` running a bare node:http server answering /health', floor),
].join('\n');
const coldMs = median(first.map(({ healthyMs }) => healthyMs));
const startRssMiB = median(first.map(({ rssMiB }) => rssMiB));
const verdict = (met: boolean, text: string) => `${met ? 'MET' : 'MISSED'} ${text}`;
const verdicts = [
  verdict(coldMs <= TARGET_START_MS, `cold start (first start): ${formatRate(coldMs)} ms (target ≤ 1,500 ms)`),
  verdict(startRssMiB <= TARGET_RSS_MIB, `RSS after start: ${startRssMiB.toFixed(0)} MiB (target ≤ 200 MiB)`),
];
process.stdout.write(`\n${table}\n\nTargets:\n${verdicts.map((line) => `- ${line}`).join('\n')}\n`);

writeDocsSection(
  'docs/benchmarks.md',
  'startup',
  [
    '## Startup (`npm run bench:startup`)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine()}; load average ${load.toFixed(2)} when the run began.`,
    ...(process.env.BENCH_NOTE ? ['', process.env.BENCH_NOTE] : []),
    '',
    `The built monolith (\`node ${ENTRY}\`, every module in one process, SQLite, default log level), started`,
    `${RUNS} times, each on a fresh \`DATA_DIR\` and then once more on the same data. The clock starts at the`,
    `spawn (Node's own start-up included) and stops at the first \`GET /health\` answered 200, asked every ${POLL_MS} ms;`,
    "RSS is the process's `VmRSS` (`/proc/<pid>/status`) right after that answer. The floor is what any Node",
    'service pays: `node` starting a bare node:http server, measured the same way, once per run. Each start',
    `waits for a quiet machine and is taken again (up to 3 times, the quietest kept) when other programs kept`,
    `more than ${MAX_OTHER_LOAD} cores busy meanwhile: the machine is shared, and a start has two cores.`,
    '',
    table,
    '',
    '### Targets',
    '',
    ...verdicts.map((line) => `- ${line}`),
    '',
    ...FINDINGS,
  ].join('\n'),
);
process.exit(0);
