import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the search starts: below it sit well-known and registered ports that services use. */
const LOWEST = 20_000;
/** Jest workers get disjoint slices of the range, so two workers never pick the same port. */
const SLICES = 16;

/**
 * A TCP port free a moment ago on 127.0.0.1, for a server a test starts later (often in another
 * process). Taken **below the kernel's ephemeral range** (`ip_local_port_range`, 32768–60999 by
 * default): a port the kernel hands out for `listen(0)` lies inside it, and between the moment it
 * is released and the moment the test binds it again, any outgoing connection (to Redis,
 * PostgreSQL, another process of the test) may be given the same port as its local end — the bind
 * then fails with EADDRINUSE. Ports below the range are never taken that way. Each jest worker
 * searches its own slice, and a port is handed out once per process.
 */
export async function freePort(): Promise<number> {
  const [low, high] = slice();
  const size = high - low + 1;
  const offset = Math.floor(Math.random() * size);
  for (let tried = 0; tried < size; tried++) {
    const port = low + ((offset + tried) % size);
    if (handedOut.has(port)) continue;
    // Claimed before the check, not after: calls made at once (Promise.all) interleave at the await,
    // and one that found the port free and closed its probe would otherwise leave a moment in which
    // another call probes the same port, finds it free too, and both hand it out.
    handedOut.add(port);
    if (await canListen(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`No free TCP port between ${low} and ${high} on 127.0.0.1`);
}

const handedOut = new Set<number>();

function slice(): [number, number] {
  const top = ephemeralLow() - 1;
  const width = Math.floor((top - LOWEST + 1) / SLICES);
  const worker = (Math.max(1, Number(process.env.JEST_WORKER_ID) || 1) - 1) % SLICES;
  const low = LOWEST + worker * width;
  return [low, low + width - 1];
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + SLICES * 100 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
