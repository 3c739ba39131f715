import { Redis } from 'ioredis';

/**
 * A connection in MONITOR mode, once it is: to a URL, or a copy of `connection` (its TLS and
 * credentials). Not ioredis's `monitor()`: ioredis switches a connection to monitoring one
 * microtask after MONITOR's OK, so when a busy Redis (heartbeats, consumer sweeps; more so on a
 * loaded 2-core CI machine) sends the first monitored commands in the same packet as that OK,
 * ioredis takes them for replies to no command and emits "Command queue state error", which
 * `monitor()` turns into its rejection or leaves unhandled. Those lines come before this resolves,
 * so they cannot be anything a test waits for; any other error is thrown as ioredis would.
 */
export async function openMonitor(target: string | Redis): Promise<Redis> {
  const monitor =
    typeof target === 'string'
      ? new Redis(target, { monitor: true })
      : target.duplicate({ monitor: true, lazyConnect: false });
  monitor.on('error', (error: Error) => {
    // (ioredis's RedisStatus type leaves out the "monitoring" status it sets.)
    if ((monitor.status as string) !== 'monitoring' && error.message.startsWith('Command queue state error')) return;
    throw error;
  });
  await new Promise((resolve) => monitor.once('monitoring', resolve));
  return monitor;
}
