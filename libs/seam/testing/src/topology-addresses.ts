import { formatAddress, overrideName, type Topology } from '@seam/runtime';
import { freePort } from './free-port.js';
import type { ServiceProcess } from './spawn-service.js';

/** The address overrides that move the topology's TCP listeners to free ports, and its Redis to `redisUrl`. */
export async function movedAddresses(
  topology: Topology,
  redisUrl: string | undefined,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const move = async (address: ReturnType<typeof formatAddress>, name: string) => {
    if (address.startsWith('tcp://')) env[name] = `tcp://127.0.0.1:${await freePort()}`;
    else if (redisUrl && address.startsWith('redis://')) env[name] = redisUrl;
    else if (redisUrl && address.startsWith('redis-pubsub://'))
      env[name] = redisUrl.replace(/^redis:/, 'redis-pubsub:');
  };
  for (const service of topology.services) await move(formatAddress(service.address), overrideName(service.module));
  if (topology.monolith.address) await move(formatAddress(topology.monolith.address), 'SEAM_MONOLITH_ADDRESS');
  return env;
}

/** The port a process printed in a line matching `pattern` (it prints it right after its ready line, or in it). */
export async function portPrinted(process: ServiceProcess, pattern: RegExp): Promise<number> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const match = pattern.exec(process.output());
    if (match) return Number(match[1]);
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`pid ${process.pid} never printed ${pattern}:\n${process.output()}`);
}
