import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  createTransportServers,
  type ResolvedSeamOptions,
  SEAM_OPTIONS,
  type SeamTransportOptions,
} from '@seam/transport';
import { CallerAppModule, ProbeAppModule } from '../../parity/fixtures/probe-app.module.js';

/** The probe callee (its transport servers listening) and the caller app, started in this process. */
export interface ProbeApps {
  callee: INestApplication;
  caller: INestApplication;
}

/**
 * Starts the parity suite's probe callee with `callee` (hosting the probe modules behind the
 * servers its endpoints name) and its caller app with `caller`: the two sides of a transport
 * spec that runs both in one process over a real wire. The caller closes both.
 */
export async function startProbeApps(options: {
  callee: SeamTransportOptions;
  caller: SeamTransportOptions;
}): Promise<ProbeApps> {
  const calleeRef = await Test.createTestingModule({ imports: [ProbeAppModule.with(options.callee)] }).compile();
  const callee = calleeRef.createNestApplication({ logger: false });
  const servers = createTransportServers(callee.get<ResolvedSeamOptions>(SEAM_OPTIONS));
  for (const strategy of servers) callee.connectMicroservice({ strategy }, { inheritAppConfig: true });
  await callee.startAllMicroservices();
  await callee.init();
  const callerRef = await Test.createTestingModule({ imports: [CallerAppModule.with(options.caller)] }).compile();
  const caller = callerRef.createNestApplication({ logger: false });
  await caller.init();
  return { callee, caller };
}
