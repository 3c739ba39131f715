import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  deriveMeshKeys,
  type Endpoint,
  EnvelopeAuth,
  InProcessBus,
  MeshKeys,
  type MeshKeysDocument,
  SeamClient,
  type SeamTransportOptions,
  startSeamServers,
  TransportRouter,
} from '@seam/transport';
import { type ServiceProcess, spawnService } from '@seam/testing';
import { CALLEE_MODULES, CallerAppModule, ProbeAppModule } from '../fixtures/probe-app.module.js';

const CALLEE_ENTRY = 'test/parity/fixtures/probe-service.main.ts';

/** Every name a parity scenario calls or publishes as. */
const PARITY_IDENTITIES = [...CALLEE_MODULES, 'caller-app', 'vault-keeper', 'vault-keeper-2'];

/**
 * Mesh keys for every pair of parity identities, held by both sides: the remote runs authenticate
 * every envelope as production does, while the scenarios keep calling as whichever module they
 * test (who may impersonate whom is the rogue-caller suite's subject, not parity's).
 */
function parityMeshKeys(): MeshKeysDocument {
  const master = randomBytes(32);
  const pairs = Object.assign(
    {},
    ...PARITY_IDENTITIES.map(
      (self) => deriveMeshKeys({ master, keyIds: ['parity'], self: [self], identities: PARITY_IDENTITIES }).keys.parity,
    ),
  ) as Record<string, string>;
  return { current: 'parity', keys: { parity: pairs } };
}

/** The caller side of a parity run, plus what the remote variants can do to their callee. */
export interface ParityTarget {
  client: SeamClient;
  /** A client of the same caller app that calls as module `caller` (for who-may-call scenarios). */
  clientAs(caller: string): SeamClient;
  /** Requests the caller still waits for, over every transport. */
  pending(): number;
  /** Callee processes (empty in-process). */
  replicas: ServiceProcess[];
  /** Lines each replica logged for the requests and events it handled. */
  handledBy(replica: number): string[];
  close(): Promise<void>;
}

/** Options of {@link remoteTarget}. */
export interface RemoteTargetOptions {
  /** More modules of the caller app (e.g. `SeamResilienceModule.forRoot(…)` for call policies). */
  callerImports?: ModuleMetadata['imports'];
}

async function callerApp(
  options: SeamTransportOptions,
  callerImports: RemoteTargetOptions['callerImports'] = [],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [CallerAppModule.with(options), ...callerImports],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** Caller and callee apps in this process, sharing a private in-process bus. */
export async function inProcessTarget(): Promise<ParityTarget> {
  const bus = new InProcessBus();
  const calleeRef = await Test.createTestingModule({
    imports: [ProbeAppModule.with({ hosted: CALLEE_MODULES, bus })],
  }).compile();
  const callee = calleeRef.createNestApplication({ logger: false });
  await startSeamServers(callee);
  await callee.init();
  const caller = await callerApp({ hosted: [], bus });
  return {
    client: caller.get(SeamClient),
    clientAs: (name) => new SeamClient(caller.get(TransportRouter), name),
    pending: () => caller.get(TransportRouter).pendingCount(),
    replicas: [],
    handledBy: () => [],
    close: async () => {
      await caller.close();
      await callee.close();
    },
  };
}

/**
 * Callee modules in `replicas` real OS processes, each serving every callee module behind
 * `endpoint`; the caller in this process reaches them through the same endpoint.
 */
export async function remoteTarget(
  endpointFor: (replica: number) => Endpoint,
  replicas = 1,
  options: RemoteTargetOptions = {},
): Promise<ParityTarget> {
  const logDir = mkdtempSync(join(tmpdir(), 'seam-parity-'));
  const meshKeys = parityMeshKeys();
  const endpoints = (replica: number) =>
    Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpointFor(replica)]));
  const processes = await Promise.all(
    Array.from({ length: replicas }, (_, replica) =>
      spawnService({
        entry: CALLEE_ENTRY,
        env: {
          PROBE_OPTIONS: JSON.stringify({ hosted: CALLEE_MODULES, endpoints: endpoints(replica) }),
          PROBE_MESH_KEYS: JSON.stringify(meshKeys),
          PROBE_REPLICA: `replica-${replica}`,
          PROBE_HANDLED_LOG: join(logDir, `replica-${replica}.log`),
        },
        // swc-loaded child processes take 5–15 s to start on a loaded 2-core CI machine, more when
        // several start at once; readiness is not what the parity specs test.
        readyTimeoutMs: 60_000,
      }),
    ),
  );
  const caller = await callerApp(
    { hosted: [], endpoints: endpoints(0), auth: new EnvelopeAuth({ keys: MeshKeys.from(meshKeys) }) },
    options.callerImports,
  );
  return {
    client: caller.get(SeamClient),
    clientAs: (name) => new SeamClient(caller.get(TransportRouter), name),
    pending: () => caller.get(TransportRouter).pendingCount(),
    replicas: processes,
    handledBy: (replica) => {
      try {
        return readFileSync(join(logDir, `replica-${replica}.log`), 'utf8')
          .split('\n')
          .filter(Boolean);
      } catch {
        return [];
      }
    },
    close: async () => {
      await caller.close();
      await Promise.all(processes.map((service) => service.stop()));
    },
  };
}
