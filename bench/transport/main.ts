/**
 * `npm run bench:transport`: every row of the transport benchmark, 3 runs each in fresh
 * processes (rows interleaved, so that a noisy moment hurts all rows alike), medians printed as a
 * table, checked against the targets and written to its section of docs/benchmarks.md.
 *
 * Needs Redis for the Redis rows: REDIS_URL (default redis://127.0.0.1:6379).
 * `BENCH_ROWS=id,id` measures only those rows (or their groups) and prints the table without
 * touching docs/benchmarks.md: for a quick look while working on one transport.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, type ServiceProcess, spawnService } from '@seam/testing';
import { benchSetting } from '../bench-setting.js';
import { describeMachine, markdownTable, median, type RowFigures, writeDocsSection } from './report.js';
import { type RemoteAddresses, ROWS } from './rows.js';
import { inProcessAnalysis } from './analysis.js';
import { evaluateTargets } from './targets.js';
import { startAclRedis } from './acl-redis.js';
import { PrivateRedis, redisUnavailableReason as redisServerMissing } from '../../test/support/redis-server.js';

const RUNS = benchSetting('BENCH_RUNS', process.env.BENCH_RUNS, 5, { what: 'runs of each row', whole: true });
const DURATION_MS = benchSetting('BENCH_DURATION_MS', process.env.BENCH_DURATION_MS, 2_000, {
  what: "a run's window in milliseconds",
});
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

interface Measured {
  row: string;
  sequential: number;
  concurrent: number;
}

/** Measures rows (one, or a group compared in turns) in a fresh process. */
function measure(rowIds: string[], addresses: RemoteAddresses): Measured[] {
  const flags = ROWS.find((row) => row.id === rowIds[0])?.nodeFlags ?? [];
  const duration = String(DURATION_MS * rowIds.length);
  const output = execFileSync(
    process.execPath,
    [
      ...flags,
      '--import',
      '@swc-node/register/esm-register',
      'bench/transport/run-row.main.ts',
      rowIds.join(','),
      JSON.stringify(addresses),
      duration,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const results = output
    .split('\n')
    .filter((line) => line.startsWith('RESULT '))
    .map((line) => JSON.parse(line.slice('RESULT '.length)) as Measured);
  if (results.length !== rowIds.length) throw new Error(`Rows ${rowIds.join(', ')} printed no result:\n${output}`);
  return results;
}

/** The units measured per run: single rows, and groups of rows compared in turns. */
function units(rows: RowFigures[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = ROWS.find((candidate) => candidate.id === row.id)?.group ?? row.id;
    groups.set(key, [...(groups.get(key) ?? []), row.id]);
  }
  return [...groups.values()];
}

const hasRedis = await redisReachable();
const privateRedis = hasRedis && !redisServerMissing() ? await PrivateRedis.start() : undefined;
const aclRedis = privateRedis ? await startAclRedis() : undefined;
const addresses: RemoteAddresses = {
  stockTcpPort: await freePort(),
  seamTcpPort: await freePort(),
  seamAuthTcpPort: await freePort(),
  redisUrl: hasRedis ? redisUrl : undefined,
  // Its own server: the authenticated callee must not share the unauthenticated one's streams,
  // nor its heartbeat and presence channels (Redis pub/sub ignores the database number, and a
  // client seeing the other callee's replicas would route calls to streams nobody reads).
  redisAuthUrl: privateRedis?.url,
  // Its own server too, with one ACL user per process and no default user.
  redisAclUrl: aclRedis?.url,
};
const callee = (args: string[]) => spawnService({ entry: 'bench/transport/callee.main.ts', args });
const callees: ServiceProcess[] = await Promise.all([
  callee(['stock-tcp', String(addresses.stockTcpPort)]),
  callee(['seam-tcp', String(addresses.seamTcpPort)]),
  callee(['seam-tcp-auth', String(addresses.seamAuthTcpPort)]),
  ...(hasRedis
    ? [
        callee(['stock-redis', redisUrl]),
        callee(['seam-redis', redisUrl]),
        ...(addresses.redisAuthUrl ? [callee(['seam-redis-auth', addresses.redisAuthUrl])] : []),
        ...(addresses.redisAclUrl ? [callee(['seam-redis-acl', addresses.redisAclUrl])] : []),
      ]
    : []),
]);

const only = process.env.BENCH_ROWS?.split(',').filter(Boolean);
const unknownRow = only?.find((id) => !ROWS.some((row) => row.id === id || row.group === id));
if (unknownRow)
  throw new Error(`BENCH_ROWS names no row "${unknownRow}" (rows: ${ROWS.map((row) => row.id).join(', ')})`);
const chosen = only ? ROWS.filter((row) => only.some((id) => id === row.id || id === row.group)) : ROWS;
const figures: RowFigures[] = chosen.map((row) => ({
  id: row.id,
  label: row.label,
  sequential: [],
  concurrent: [],
  skipped:
    row.needsRedis && !hasRedis
      ? `no Redis at ${redisUrl}`
      : (row.id === 'seam-redis-auth' || row.id === 'seam-redis-acl') && !privateRedis
        ? 'redis-server is not installed (the authenticated row runs on a private server)'
        : undefined,
}));
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const unit of units(figures.filter((candidate) => !candidate.skipped))) {
      for (const result of measure(unit, addresses)) {
        const row = figures.find((candidate) => candidate.id === result.row)!;
        row.sequential.push(result.sequential);
        row.concurrent.push(result.concurrent);
        process.stderr.write(
          `run ${run}/${RUNS} ${row.id}: ${Math.round(result.sequential)} / ${Math.round(result.concurrent)} calls/s\n`,
        );
      }
    }
  }
} finally {
  await Promise.all(callees.map((service) => service.stop()));
  await privateRedis?.stop();
  await aclRedis?.stop();
}

const table = markdownTable(figures, RUNS);
if (only) {
  process.stdout.write(`\n${table}\n`);
  process.exit(0);
}
const byId = new Map(figures.map((row) => [row.id, row]));
const verdicts = evaluateTargets(byId, median);
const analysis = inProcessAnalysis(byId, median);
const machine = describeMachine();
const date = new Date().toISOString().slice(0, 10);
process.stdout.write(
  `\n${table}\n\nTargets:\n${verdicts.map((line) => `- ${line}`).join('\n')}\n\n${analysis.join('\n')}\n`,
);
writeDocsSection(
  'docs/benchmarks.md',
  'transport',
  [
    '## Transport (`npm run bench:transport`)',
    '',
    `Measured ${date} on ${machine}.`,
    '',
    'Every row makes the same call: a 3-field DTO in, a new 3-field DTO out. "Sequential" awaits each',
    'call before the next; "100 in flight" runs 100 such loops at once. Remote callees run in their own',
    "process on the same machine (Redis on the machine's own server).",
    '',
    table,
    '',
    '### Targets',
    '',
    ...verdicts.map((line) => `- ${line}`),
    '',
    '### The in-process path',
    '',
    ...analysis,
    '',
    "Door validation is compiled once per DTO class from class-validator's metadata (`compileValidator`): about",
    '0.2 µs for the 3-field DTO where `validateSync` took ~1.5 µs; a payload it refuses is handed to class-validator,',
    'so error messages and shapes are unchanged. TCP links are authenticated once per connection (a handshake under',
    'the pair keys, docs/security.md), so the authenticated TCP rows carry no per-envelope signature; Redis envelopes',
    'are signed one by one (the "authentication alone" row is what four HMACs cost in one warm loop).',
    '',
  ].join('\n'),
);
process.exit(0);
