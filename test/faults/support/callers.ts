import { Test } from '@nestjs/testing';
import { type CallPoliciesConfig, SeamCallPolicies, SeamResilienceModule } from '@seam/resilience';
import type { TopologyProcesses } from '@seam/testing';
import { EnvelopeAuth, SeamClient, SeamTransportModule, TransportRouter } from '@seam/transport';

/** A Seam client in the test process calling one module of a running topology, with its router. */
export interface FaultCaller {
  readonly client: SeamClient;
  readonly router: TransportRouter;
  /** The call policies, when the caller was given some. */
  readonly policies?: SeamCallPolicies;
  close(): Promise<void>;
}

/**
 * A caller of `module` where the running topology serves it — as another service of the system
 * would call it (same transport, deadlines, typed errors), with `policies` installed if given. It
 * calls as `orders`, the module whose calls the fault tests stand in for (payments admits only it).
 */
export async function faultCaller(
  processes: TopologyProcesses,
  module: string,
  policies?: CallPoliciesConfig,
): Promise<FaultCaller> {
  const service = processes.topology.services.find((placement) => placement.module === module);
  if (!service) throw new Error(`${module} is not a service in topology "${processes.topology.name}"`);
  const moduleRef = await Test.createTestingModule({
    imports: [
      SeamTransportModule.forRoot({
        hosted: [],
        endpoints: { [module]: service.address },
        auth: new EnvelopeAuth({ keys: processes.meshKeysAs('orders') }),
      }),
      ...(policies ? [SeamResilienceModule.forRoot(policies)] : []),
      SeamTransportModule.forModule('orders'),
    ],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return {
    client: moduleRef.get(SeamClient),
    router: moduleRef.get(TransportRouter),
    ...(policies ? { policies: moduleRef.get(SeamCallPolicies) } : {}),
    close: () => moduleRef.close(),
  };
}
