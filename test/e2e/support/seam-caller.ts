import { Test } from '@nestjs/testing';
import { EnvelopeAuth, SeamClient, SeamTransportModule } from '@seam/transport';
import type { TopologyProcesses } from '@seam/testing';

/** A {@link SeamClient} in the test process, and how to let it go. */
export interface SeamCaller {
  readonly client: SeamClient;
  close(): Promise<void>;
}

/**
 * A Seam client calling `module` where the running topology serves it, as another service of
 * the system would (same transport, deadlines and typed errors), on behalf of module `as` — a
 * caller the callee's contract allows (default `orders`, the one module that calls payments).
 */
export async function seamCallerOf(processes: TopologyProcesses, module: string, as = 'orders'): Promise<SeamCaller> {
  const service = processes.topology.services.find((placement) => placement.module === module);
  if (!service) throw new Error(`${module} is not a service in topology "${processes.topology.name}"`);
  const redisUser = processes.redisUserOf(as);
  const moduleRef = await Test.createTestingModule({
    imports: [
      SeamTransportModule.forRoot({
        hosted: [],
        endpoints: { [module]: service.address },
        // Signs as `as` would in the system: with the pair keys the run derived for it.
        auth: new EnvelopeAuth({ keys: processes.meshKeysAs(as) }),
        // And logs in to Redis as `as`'s process does, when the run gave processes users of their own.
        ...(redisUser && { redis: { ...redisUser, aclIdentities: true } }),
      }),
      SeamTransportModule.forModule(as),
    ],
  }).compile();
  await moduleRef.init();
  return { client: moduleRef.get(SeamClient), close: () => moduleRef.close() };
}
