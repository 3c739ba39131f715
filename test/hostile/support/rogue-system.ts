import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { ensureBuilt, TopologyProcesses } from '@seam/testing';
import { type Endpoint, type EnvelopeAuth, SeamClient, SeamTransportModule } from '@seam/transport';
import { processEnv } from '../../e2e/support/topology-target.js';
import { PrivateRedis } from '../../support/redis-server.js';

const MODULES = ['identity', 'catalog', 'inventory', 'payments', 'orders'];

/** The system with payments extracted behind `address` (TCP or Redis), as real processes. */
export interface RogueSystem {
  processes: TopologyProcesses;
  /** Where payments is served (after the test harness moved it to a free port or a private Redis). */
  payments: Endpoint;
  /** The payments service's HTTP base URL (`/metrics`). */
  paymentsUrl: string;
  redis?: PrivateRedis;
  /** A Seam client in this process calling payments as `as`, signing with `auth` (or not at all). */
  clientAs(as: string, auth?: EnvelopeAuth): Promise<SeamClient>;
  stop(): Promise<void>;
}

/**
 * Starts the monolith and a payments service reached over `address` (`tcp://…` or `redis://…`):
 * the smallest split system in which orders legitimately calls an extracted module.
 */
export async function startRogueSystem(address: 'tcp' | 'redis'): Promise<RogueSystem> {
  await ensureBuilt(['monolith', 'payments-service']);
  const dir = mkdtempSync(join(tmpdir(), 'seam-rogue-'));
  const topologyFile = join(dir, 'topologies.json');
  const service = address === 'tcp' ? 'tcp://127.0.0.1:4104' : 'redis://127.0.0.1:6379';
  writeFileSync(
    topologyFile,
    JSON.stringify({
      modules: MODULES,
      topologies: {
        rogue: {
          description: `payments extracted over ${address}; the rest in the monolith`,
          monolith: { address: address === 'tcp' ? 'tcp://127.0.0.1:4100' : service },
          modules: Object.fromEntries(
            MODULES.map((module) => [module, module === 'payments' ? { service, httpPort: 9104 } : 'monolith']),
          ),
        },
      },
    }),
  );
  const redis = address === 'redis' ? await PrivateRedis.start() : undefined;
  const closers: Array<() => Promise<void>> = [];
  const processes = await TopologyProcesses.start({
    topology: 'rogue',
    topologyFile,
    redisUrl: redis?.url,
    env: processEnv(dir),
  }).catch(async (error: unknown) => {
    await redis?.stop();
    throw error;
  });
  const payments = processes.topology.services.find(({ module }) => module === 'payments')!;
  return {
    processes,
    payments: payments.address,
    paymentsUrl: processes.replicas('payments')[0]!.url,
    redis,
    clientAs: async (as, auth) => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          SeamTransportModule.forRoot({ hosted: [], endpoints: { payments: payments.address }, auth }),
          SeamTransportModule.forModule(as),
        ],
      }).compile();
      moduleRef.useLogger(false);
      await moduleRef.init();
      closers.push(() => moduleRef.close());
      return moduleRef.get(SeamClient);
    },
    stop: async () => {
      await Promise.allSettled(closers.map((close) => close()));
      await processes.stop();
      await redis?.stop();
    },
  };
}

const REFUSED = /^seam_envelopes_refused_total\{reason="([^"]*)"\} (\d+)$/gm;
const HANDLED = /^seam_calls_handled_total\{pattern="([^"]*)"\} (\d+)$/gm;
const DENIED = /^seam_calls_denied_total\{pattern="([^"]*)"\} (\d+)$/gm;

/** What a process's `/metrics` says it refused (by reason), handled and denied (by pattern), now. */
export async function securityCounters(url: string): Promise<{
  refused: (reason: string) => number;
  handled: (pattern: string) => number;
  denied: (pattern: string) => number;
}> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = (sample: RegExp) =>
    new Map([...text.matchAll(sample)].map(([, label, count]) => [label!, Number(count)]));
  const [refused, handled, denied] = [counts(REFUSED), counts(HANDLED), counts(DENIED)];
  return {
    refused: (reason) => refused.get(reason) ?? 0,
    handled: (pattern) => handled.get(pattern) ?? 0,
    denied: (pattern) => denied.get(pattern) ?? 0,
  };
}
