/**
 * Measures one row in a fresh process (so no row inherits another's JIT state, heap or
 * AsyncLocalStorage hooks) and prints `RESULT {json}`. Arguments: row id, addresses JSON.
 */
import 'reflect-metadata';
import { throughput } from './measure.js';
import { ROWS } from './rows.js';

const [rowId, addressesJson, durationArg] = process.argv.slice(2);
const row = ROWS.find((candidate) => candidate.id === rowId);
if (!row) throw new Error(`Unknown row ${rowId}`);
const durationMs = Number(durationArg ?? 2_000);
const session = await row.open(JSON.parse(addressesJson ?? '{}'));
await throughput(session.call, 1, durationMs / 2);
const sequential = await throughput(session.call, 1, durationMs);
await throughput(session.call, 100, durationMs / 2);
const concurrent = await throughput(session.call, 100, durationMs);
await session.close();
process.stdout.write(`RESULT ${JSON.stringify({ row: row.id, sequential, concurrent })}\n`);
process.exit(0);
