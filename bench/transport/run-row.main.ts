/**
 * Measures one row, or a group of rows compared in turns, in a fresh process (so no row inherits
 * another's JIT state, heap or AsyncLocalStorage hooks) and prints `RESULT {json}` per row.
 * Arguments: row ids (comma-separated), addresses JSON, duration in ms per mode.
 */
import 'reflect-metadata';
import { interleaved, throughput } from './measure.js';
import { ROWS } from './rows.js';

const [rowIds, addressesJson, durationArg] = process.argv.slice(2);
const rows = (rowIds ?? '').split(',').map((id) => {
  const row = ROWS.find((candidate) => candidate.id === id);
  if (!row) throw new Error(`Unknown row ${id}`);
  return row;
});
const durationMs = Number(durationArg ?? 2_000);
const addresses = JSON.parse(addressesJson ?? '{}');
const sessions = [];
for (const row of rows) sessions.push(await row.open(addresses));
const calls = sessions.map((session) => session.call);
const results: Record<string, { sequential: number; concurrent: number }> = {};
for (const [mode, concurrency] of [
  ['sequential', 1],
  ['concurrent', 100],
] as const) {
  for (const call of calls) await throughput(call, concurrency, durationMs / (2 * calls.length)); // warm-up
  const rates =
    calls.length === 1
      ? [await throughput(calls[0]!, concurrency, durationMs)]
      : await interleaved(calls, concurrency, durationMs);
  rows.forEach((row, index) => ((results[row.id] ??= { sequential: 0, concurrent: 0 })[mode] = rates[index]!));
}
for (const session of sessions) await session.close();
for (const row of rows) process.stdout.write(`RESULT ${JSON.stringify({ row: row.id, ...results[row.id] })}\n`);
process.exit(0);
