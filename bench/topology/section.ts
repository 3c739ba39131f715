import { type LoadOptions, PACED_WINDOW_S } from './load.js';
import { HELLO_WORLD } from './hello-world.js';
import { MEASUREMENT_NOTES } from './measurement-notes.js';
import { type Cell, type CellSummary, summarize, type TopologyName } from './report.js';

/** What the topology section of docs/benchmarks.md is made of. */
export interface SectionInput {
  date: string;
  machine: string;
  options: LoadOptions;
  rounds: number;
  /** A line under the date: what was measured, when it is not the working tree as it is. */
  note?: string;
  /** Topologies left out, with the reason (no PostgreSQL or Redis on the machine). */
  skipped: ReadonlyMap<string, string>;
  table: string;
  perProcess: string;
  verdicts: string[];
  cells: Cell[];
  /** The tracing comparison's table (observability-report.ts), when it was measured. */
  tracing?: string;
}

/** The `## Topology` section of docs/benchmarks.md. */
export function topologySection(input: SectionInput): string {
  const { options } = input;
  return [
    '## Topology (`npm run bench:topology`)',
    '',
    `Measured ${input.date} on ${input.machine}.`,
    ...(input.note ? ['', input.note] : []),
    '',
    'The same system in five topologies, each started as real processes from the built apps',
    '(`TopologyProcesses`), on SQLite files in a fresh temporary `DATA_DIR` unless said otherwise: `monolith`',
    '(1 process), `monolith-x2-pg` (two monolith processes on one PostgreSQL database, the load spread over',
    'both as a balancer would), `mixed` (payments and inventory extracted over TCP: 3 processes), `split-tcp`',
    '(every module its own service over TCP, the monolith as the HTTP edge: 6 processes), `split-redis` (the',
    "same over Redis streams, a private Redis server; one copy of each service: the topology file's second",
    'copies of inventory and payments would share their SQLite files). Two flows, signed in as one customer:',
    '',
    '- **read**: `GET /api/orders/:id/details` of a two-line order — the edge verifies the token (identity),',
    '  gets the order (orders) and the current prices of its products (catalog): three contract calls.',
    '- **place**: `POST /api/orders` of one line with an approved card — the token, then the order saga:',
    '  prices (catalog), reserve and commit stock (inventory), authorize and capture (payments), six events.',
    '- **read-1000**: the read flow against the monolith at a fixed 1,000 requests per second over the same',
    '  keep-alive connections, one request every millisecond (an open-loop generator of its own, paced-load.ts;',
    `  latency counted from when each request was due), measured over ${PACED_WINDOW_S} s: the latency a caller sees below saturation.`,
    '',
    'The ceiling, `nest-hello-world`: a bare Nest app on the same HTTP adapter as the edge',
    '(@nestjs/platform-express) with one GET endpoint answering a constant object — no guard, pipe,',
    'validation, logging or database — under the same load (bench/topology/hello-world.main.ts).',
    '',
    `[autocannon](https://github.com/mcollina/autocannon) with ${options.connections} connections, ${options.warmUpSeconds} s of warm-up, then ${options.durationSeconds} s measured per cell (the paced cell: ${PACED_WINDOW_S} s),` +
      ' in one run on the same connections (a measured run of its own would open new ones, which a saturated' +
      ' Node server accepts one per turn of its event loop: bench/topology/load-window.ts);' +
      (input.rounds > 1 ? ` medians of ${input.rounds} rounds, the topologies measured in turns.` : ' one round.'),
    'Every topology runs side by side, so that rounds can take turns; while a cell is measured, the processes of',
    'the others are stopped (SIGSTOP, resumed after it): idle, they still took 0.15 cores of the two. A',
    'topology resumed runs 6 s before it is measured, its overdue timers caught up.',
    'Latencies are those of 2xx answers answered in the window, in whole milliseconds. CPU is user + system',
    'time of every process of the topology, all threads (and any child), from `/proc/<pid>/stat` before and',
    "after the measured window. The load generator runs in the benchmark's own process on the same cores and",
    'is not counted; its CPU is shown beside. "Other programs" is the machine\'s busy time charged to neither',
    '(the machine is shared): a cell waits for the machine to be quiet and is measured again, up to three',
    'times, when others took more than 0.3 cores during its window. The database or broker server a topology',
    "uses (the PostgreSQL server of `monolith-x2-pg`, every process of it; `split-redis`'s private Redis) is not",
    "one of its processes: its CPU is in a column of its own, neither the topology's nor other programs', and",
    "not in the memory (PostgreSQL's server is shared: what else uses it meanwhile is charged to it). Peak RSS is the sum over the",
    "topology's processes of each one's peak resident memory (`VmHWM`) during the cell, warm-up included",
    '(reset before it through `/proc/<pid>/clear_refs`).',
    '',
    input.table,
    ...[...input.skipped].map(([topology, reason]) => `\n\`${topology}\`: skipped: ${reason}.`),
    '',
    'Where the CPU of a request goes (ms per request in each process; `monolith` is the HTTP edge plus the',
    'modules it hosts in that topology):',
    '',
    input.perProcess,
    '',
    ...(input.tracing
      ? [
          'Metrics and tracing as deployed (RED metrics recorded, tracing on without an exporter) against both off',
          '(`SEAM_METRICS=off`, `OTEL_SDK_DISABLED=true`), in the monolith: both load the tracing register module as the',
          'image does (`NODE_OPTIONS=--import=…/tracing.js`), run side by side and are measured back to back in each',
          "round, the order swapped every round; ratios are medians of the rounds' own ratios.",
          '',
          input.tracing,
          '',
        ]
      : []),
    '### Targets',
    '',
    ...input.verdicts.map((line) => `- ${line}`),
    '',
    ...findings(input.cells, options),
    '',
    ...ceilingAndNewRows(input.cells, input.skipped),
  ].join('\n');
}

/** What the numbers mean, with this run's figures and what profiling showed. */
function findings(cells: Cell[], options: LoadOptions): string[] {
  const of = (topology: TopologyName, flow: 'read' | 'place') =>
    summarize(cells.find((cell) => cell.topology === topology && cell.flow.id === flow)!);
  const [readMonolith, readSplit, placeMonolith, placeSplit] = [
    of('monolith', 'read'),
    of('split-tcp', 'read'),
    of('monolith', 'place'),
    of('split-tcp', 'place'),
  ];
  const cores = (summary: ReturnType<typeof summarize>) => (summary.cpuSeconds / options.durationSeconds).toFixed(2);
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  return [
    '### What the numbers mean',
    '',
    "The figures from CPU profiles quoted below were taken on Node 20 in November 2026; the tables' figures",
    "are this run's.",
    '',
    `**One process against six, on two cores.** The monolith runs the read flow on one JavaScript thread,`,
    `which it saturates (${cores(readMonolith)} cores of CPU during the window: the main thread plus V8's and`,
    `libuv's helper threads); \`split-tcp\` spreads the same work over six event loops and used ${cores(readSplit)}.`,
    'At equal concurrency, throughput measures parallelism as much as cost: the comparison that does not',
    `depend on the number of cores is CPU per request — a read costs \`split-tcp\` ${ratio(readSplit.cpuMsPerRequest, readMonolith.cpuMsPerRequest)}× the monolith's CPU, where the`,
    'target asks for 2× — and for throughput, the monolith run as one replica per core behind a balancer.',
    '',
    "**The TCP hops are cheap at this concurrency.** With 32 requests in flight, Seam's TCP client corks",
    "its writes per tick, so one system call carries many frames. In the profiles, the hops' writes cost",
    "about 0.19 ms of a split-tcp read (three calls, both ways) and Nest's microservice framing about",
    '0.07 ms. With fewer requests in flight there is less to batch: at 8 connections a split-tcp read took',
    "1.13 ms of CPU (0.82 ms at 32), more than the monolith's, whose cost per read hardly moves (0.95 ms at 2",
    'connections).',
    '',
    '**What came off the read (2026-12-05).** `npm run bench:profile` (its section below) charged the',
    "monolith's read 0.30 ms to TypeORM and 0.16 ms to checking the token (jose over WebCrypto) of 1.36 ms",
    "profiled. Two changes took most of it: the hot reads (a token's account, an order and its lines, prices",
    "by sku) use `PreparedRead` (@seam/persistence: the query builder's SQL built once per shape instead of",
    'at every `findBy`), and the identity remembers the tokens it verified (the exact string, until it',
    "expires). In one paired run before and after (2 rounds, quiet machine), the monolith's read went from",
    "1.09 to 0.52 ms of CPU and from 1,028 to 2,039 req/s; split-tcp's from 0.90 to 0.51 ms. Both gained",
    'alike, as the work removed was module work that every topology does.',
    '',
    '**And later the same day.** Two changes that are not about any one module took another third off:',
    'the objects a seam call keeps until it settles became class instances, which V8 does not pretenure',
    '(as literals they were allocated into the old generation in most processes, so every call fed the',
    "slow collector: the transport section), and the bundle is now compiled with the project's swc options",
    "(the CLI's defaults defined every class field of every instance through a helper: `rspack.config.js`).",
    "Between the full runs before and after, the monolith's read went from 0.50 to 0.34 ms of CPU and its",
    "p99 at 1,000 req/s from 49 to 6 ms; split-tcp's read from 0.53 to 0.35 ms; an order from 5.48 to 3.68",
    'ms in the monolith and from 6.91 to 4.67 ms in split-tcp. Again every topology gained alike.',
    '',
    "**Pretenuring, the rest of it (2026-12-05).** The paced read's p99 later read 78–478 ms, its p50 still",
    "2–3 ms. Watching the monolith's heap at 1,000 reads/s (V8's heap statistics each second, its GC",
    'events): the old generation grew ~4 MiB/s, and a full collection every ~6 s was followed by 0.1–0.2 s',
    'of late answers. V8 had learnt during start-up (modules, metadata, the seed: objects that live on)',
    "that the object literals of some functions requests also run survive, and allocated those requests'",
    'short-lived objects straight into the old generation, which only a full collection frees. Every Seam',
    "process now turns V8's allocation-site pretenuring off as it starts (`applyPretenuringSetting`,",
    '@seam/runtime; `SEAM_V8_PRETENURING=on` keeps it): under the same load the old generation grows',
    '~0.25 MiB/s, no full collection ran in 10 s, and a young collection takes 3–5 ms every ~0.35 s. In',
    "paired rounds the paced read's p99 went from 46 to 26 ms (medians of 5 rounds); an order's CPU did",
    'not move beyond the noise (young collections cost the same ~3% of its time either way).',
    '',
    "**Measuring the steady state (2026-12-06).** The monolith's place p99 read about 1 s in earlier runs",
    `against ~0.27 s for split-tcp; here it reads ${placeMonolith.p99Ms} ms (split-tcp ${placeSplit.p99Ms} ms). On one machine, the same build`,
    'measured the old way (a warm-up run, then a measured run) read 340–400 ms, and 140–165 ms in one run',
    'through both. The orders themselves were',
    'never that slow: timed inside the monolith, an order took 3 ms at the median and 10 ms at p99 from its',
    "request to its answer, and a connection's next request arrived at most ~190 ms after the previous answer.",
    'The late answers were the first ones on the new connections a measured run opens: a saturated Node',
    'server accepts one new connection per turn of its event loop (libuv accepts once per readiness event),',
    "and the monolith placing orders turns its loop every ~100 ms, so the 32 connections' first requests",
    'waited 0.5–2.3 s, in line. A cell is now one load from warm-up to the end of its window, on the same',
    'connections, and the idle topologies beside it are stopped while it runs (they took 0.15 cores).',
    'A deployment that sends bursts of new connections to a saturated process meets the same wait: a',
    'balancer keeping connections open (or more replicas) is the remedy, not the transport.',
    '',
    "**An order's writes prepared (2026-12-06).** An order's reads by key in inventory and payments now go",
    'through `PreparedRead`, and its updates and inserts through `PreparedUpdate` and `PreparedInsert`',
    "(@seam/persistence: TypeORM's SQL built once per shape, the values converted by the columns' rules),",
    'where `findOneBy`, `manager.update` and `manager.insert` rebuilt their SQL at every call. Paired runs',
    "of the monolith's place flow (4 rounds each, same machine, medians): 3.88 → 3.65 ms of CPU per order",
    'with the reads, → 3.50 with the updates, → 3.19 with the inserts; 260 → 310 orders/s.',
    '',
    "**The last of an order's query builders (2026-12-06, evening).** The order's own insert (its",
    "`seq` left to the database: `PreparedInsert`'s `generatedByDatabase`), the payments' lock of a payment",
    "for a capture (`PreparedUpdate`'s `whereNull`), the fake provider's hold, ledger entries and capture,",
    "and the messaging's SQL texts (each text's dialect worked out once, not per event) no longer rebuild",
    "their SQL at every call; the stock's commit is stored with the order's confirmation (one transaction",
    "of the orders module fewer: 6.1 → 5.1 per order, 14 → 13 for an order in all). In the place flow's",
    "profile, TypeORM's `InsertQueryBuilder` and `findOneBy` went from 4.6% of the monolith's CPU to none.",
    "Paired rounds of the two builds' monoliths, side by side, the idle one stopped (10 rounds of 4 s,",
    "16 orders in flight): 4.03 → 3.46 ms of CPU per order (medians), the rounds' own ratios 0.76–1.03,",
    'median 0.84.',
    '',
    '**Why the CPU ratio stays above 0.5.** With 32 requests in flight, the hops of split-tcp cost little',
    "(corked writes, one system call for many frames), and a module's own work costs the same in either",
    `topology: here a read costs the monolith ${readMonolith.cpuMsPerRequest.toFixed(2)} ms and split-tcp's six processes ${readSplit.cpuMsPerRequest.toFixed(2)} ms together,`,
    ...hopsCost(readSplit.cpuMsPerRequest - readMonolith.cpuMsPerRequest),
    "A ratio of 0.5 would need the monolith's read to cost no more than the hops do: the transport alone",
    "cannot get there, the modules' own work must shrink.",
    '',
    `**Placing an order** costs \`split-tcp\` ${ratio(placeSplit.cpuMsPerRequest, placeMonolith.cpuMsPerRequest)}× the monolith's CPU and the monolith places`,
    `${ratio(placeMonolith.throughput, placeSplit.throughput)}× as many orders per second. Besides its seven round trips, each order writes six integration`,
    "events to the outboxes of the modules it changes, in their transactions; each module's relay delivers",
    'them, acknowledged, only to the modules that subscribe (identity keeps order activity from the order',
    "events), so the other events never leave their module's process. In the monolith, SQLite's own work",
    "is the largest item of an order: a third of its CPU under better-sqlite3 by `perf` (2026-12-06; V8's",
    "profiles say ~46%, bench:profile's section says why they overstate it), over half of it the kernel's work",
    'for the WAL writes and file locks; a commit takes 56 µs with `synchronous = NORMAL`, about fourteen per order.',
    '',
    ...MEASUREMENT_NOTES,
  ];
}

/** What the difference between split-tcp's read and the monolith's says about the hops. */
function hopsCost(differenceMs: number): string[] {
  if (differenceMs > 0.01) return [`the difference (${differenceMs.toFixed(2)} ms) being about what the hops cost.`];
  return [
    'as much as the monolith or less: at this concurrency the hops cost less than the noise between rounds. CPU',
    'profiles on an Intel Xeon machine (2026-12-06, one round each) put the split-tcp edge at 0.24 ms per read and its',
    'three module processes at 0.13 ms together, the monolith at 0.33 ms.',
  ];
}

/** What the server a topology uses cost per read and per order, said in words. */
function serverCost(read: CellSummary, place: CellSummary): string {
  if (read.serverCpuMsPerRequest === undefined || place.serverCpuMsPerRequest === undefined)
    return 'was not measured (its processes are not visible to the benchmark)';
  return `used ${read.serverCpuMsPerRequest.toFixed(2)} ms of CPU per read and ${place.serverCpuMsPerRequest.toFixed(2)} ms per order besides (its column)`;
}

/** The ceiling and the rows added in December 2026 (replicas on PostgreSQL, split-redis), with this run's figures. */
function ceilingAndNewRows(cells: Cell[], skipped: ReadonlyMap<string, string>): string[] {
  const of = (topology: Cell['topology'], flow: Cell['flow']['id']) =>
    summarize(cells.find((cell) => cell.topology === topology && cell.flow.id === flow)!);
  const hello = of(HELLO_WORLD, 'hello');
  const read = of('monolith', 'read');
  const place = of('monolith', 'place');
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const ceiling = [
    `**The ceiling.** The bare Nest endpoint costs ${hello.cpuMsPerRequest.toFixed(3)} ms of CPU per request; the monolith's read`,
    `costs ${ratio(read.cpuMsPerRequest, hello.cpuMsPerRequest)}× that (the token, three contract calls with their validation at both ends,`,
    "the modules' database reads, the edge's middleware, logging and metrics). Reaching 0.4× the ceiling's throughput",
    `would take a read at about 2.5× the cost of a request that does nothing, on the same cores: this read costs`,
    `${ratio(read.cpuMsPerRequest / hello.cpuMsPerRequest, 2.5)}× that, whatever the transport.`,
  ];
  if (skipped.size > 0) return ceiling;
  const [readPg, placePg] = [of('monolith-x2-pg', 'read'), of('monolith-x2-pg', 'place')];
  const [readTcp, readRedis] = [of('split-tcp', 'read'), of('split-redis', 'read')];
  return [
    ...ceiling,
    '',
    `**Replicas on PostgreSQL.** Two monolith replicas on PostgreSQL spend ${ratio(readPg.cpuMsPerRequest, read.cpuMsPerRequest)}× the single monolith's CPU`,
    `per read on SQLite and ${ratio(placePg.cpuMsPerRequest, place.cpuMsPerRequest)}× per order; the PostgreSQL server ${serverCost(readPg, placePg)}. Probes of 2026-12-05`,
    "(the replicas' CPU profiles; the statements counted with PostgreSQL's `log_statement`; its",
    '`pg_stat_activity` sampled every 20 ms during the place cell):',
    '',
    '- A read sends 4 statements; an order about 80, in 15 transactions (each module writes in its own, and',
    '  the saga records each of its steps). Each is a round trip through the pg driver, and the socket writes',
    "  alone (one system call per statement) took 34% of a replica's busy time on the read and 48% on the order.",
    '- Every order of the place flow reserves, then commits, stock of the same product. On average 13 of the',
    "  replicas' connections were waiting for that one row's lock. The inventory now updates stock last in its",
    '  transactions, right before the commit: 7.5 were waiting after that change, measured in turns with the code',
    '  before it. The rate did not change: the replicas and PostgreSQL already kept both cores busy.',
    "- The PostgreSQL server's CPU per order (its column) is of the order of the two replicas' together.",
    '  `perf` of its processes during the place cell (2026-12-06, AMD EPYC): parsing, analysing and planning',
    '  statements took ~21% of it (node-postgres sends unnamed statements, parsed and planned at every call),',
    '  executing them 26%, commits 15% (WAL flushes 11%), reading the next statement from the socket 16%.',
    "- Since 2026-12-06 @seam/persistence's prepared reads and writes and @seam/messaging's outbox and inbox",
    '  statements are named statements, parsed and planned once per connection (`DATABASE_PREPARED_STATEMENTS`).',
    '  Paired runs of the place cell, named against unnamed (2 each, alternating): PostgreSQL 10.6–11.3 ms of',
    '  CPU per order against 12.8–13.5, 77–80 orders/s against 71–75.',
    "- Later on 2026-12-06 each transaction's start went to PostgreSQL with its first statement (@seam/persistence),",
    '  and a relay that expects events claims without a plain read first: one monolith on PostgreSQL, its',
    "  connections' round trips counted over 10 orders (the relays' idle polls included), about 91 per order",
    '  against 105 before. This cell, before against after in turns (3 pairs, AMD EPYC, medians): 53 against',
    "  65 orders/s (after ahead in all 3), the replicas' CPU per order 15.5 against 12.8 ms, PostgreSQL's 18.3",
    '  against 14.6 — on a machine where the same code read 570–1,081 requests/s from one run to the next.',
    "- Later still on 2026-12-06 a transaction's last statement went with its `COMMIT` (`commitWith`,",
    "  @seam/persistence) in the orders' saga writes, the payments' key claims and answers and the inventory's",
    '  stock moves: an order took 61 round trips instead of 73 (two replicas, 50 orders one at a time,',
    "  ReadyForQuery messages counted, idle polls taken out). In this cell an update of the one product's stock",
    '  row had waited 100–172 ms on average for its lock (pg_stat_statements, 8 runs of the code before);',
    "  committed with the update, 0.8–1.6 ms. The rate did not move beyond the machine's noise: in turns with",
    '  the code before, 51 against 55 orders/s (5 pairs, the stock move alone changed) and 58 against 58 (3',
    '  pairs, all of it; medians) — the replicas and PostgreSQL keep both cores busy, and an order that no',
    '  longer waits for the row waits for a core.',
    '',
    `**split-redis** costs ${ratio(readRedis.cpuMsPerRequest, readTcp.cpuMsPerRequest)}× \`split-tcp\`'s CPU per read; its Redis server ${serverCost(readRedis, of('split-redis', 'place'))}.`,
  ];
}
