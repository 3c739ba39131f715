import { expect } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  createTransportServers,
  type Endpoint,
  InProcessBus,
  type ResolvedSeamOptions,
  SEAM_OPTIONS,
  SeamClient,
  type SeamTransportOptions,
} from '@seam/transport';
import { CALLEE_MODULES, CallerAppModule, ProbeAppModule } from '../../parity/fixtures/probe-app.module.js';
import { ProbeContract } from '../../parity/fixtures/probe.contract.js';

/** The callee under attack and a well-behaved Seam caller, both in this process. */
export interface HostileTarget {
  /** The well-behaved caller. */
  client: SeamClient;
  /** The callee's servers (in-process first), e.g. to read a TCP server's counters. */
  servers: readonly CustomTransportStrategy[];
  close(): Promise<void>;
}

/** Every callee module reached through `endpoint`. */
export function endpointsOf(endpoint: Endpoint): Record<string, Endpoint> {
  return Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpoint]));
}

/**
 * Starts the probe callee serving every callee module behind `endpoint`, then a caller that
 * reaches it there. Each app gets a private in-process bus so that only the wire connects them.
 */
export async function startTarget(
  endpoint: Endpoint,
  extra: Partial<SeamTransportOptions> = {},
): Promise<HostileTarget> {
  const endpoints = endpointsOf(endpoint);
  const calleeRef = await Test.createTestingModule({
    imports: [ProbeAppModule.with({ ...extra, hosted: CALLEE_MODULES, endpoints, bus: new InProcessBus() })],
  }).compile();
  const callee = calleeRef.createNestApplication({ logger: false });
  // What startSeamServers does, keeping the servers so that a test can read their counters.
  const servers = createTransportServers(callee.get<ResolvedSeamOptions>(SEAM_OPTIONS));
  for (const strategy of servers) callee.connectMicroservice({ strategy }, { inheritAppConfig: true });
  await callee.startAllMicroservices();
  await callee.init();
  let caller: INestApplication | undefined;
  try {
    const callerRef = await Test.createTestingModule({
      imports: [CallerAppModule.with({ ...extra, hosted: [], endpoints, bus: new InProcessBus() })],
    }).compile();
    caller = callerRef.createNestApplication({ logger: false });
    await caller.init();
  } catch (error) {
    await callee.close();
    throw error;
  }
  const callerApp = caller;
  return {
    client: callerApp.get(SeamClient),
    servers,
    close: async () => {
      await callerApp.close();
      await callee.close();
    },
  };
}

/** A normal Seam call through the well-behaved caller succeeds with the right answer. */
export async function expectNormalCallSucceeds(target: HostileTarget, text = 'still serving'): Promise<void> {
  await expect(target.client.send(ProbeContract.echo, { text, count: 7 }, { timeoutMs: 3_000 })).resolves.toEqual({
    text,
    count: 7,
  });
}

/** Whether anything polluted `Object.prototype` of this realm. */
export function prototypePollution(): unknown[] {
  const probe = {} as Record<string, unknown>;
  return ['polluted', 'isAdmin'].map((key) => probe[key]).filter((value) => value !== undefined);
}
