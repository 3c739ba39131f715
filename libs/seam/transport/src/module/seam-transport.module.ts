import { type DynamicModule, Global, type INestApplication, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { MessageHandler } from '@nestjs/microservices';
import { fastHandlers } from '../door/fast-handlers.js';
import { SeamClient } from '../client/seam-client.js';
import { TransportRouter } from '../client/transport-router.js';
import { createTransportServers } from '../transports/create-transport.js';
import { resolveOptions } from './resolve-options.js';
import type { ResolvedSeamOptions, SeamTransportOptions } from './seam-options.js';

/** Injection token of the resolved {@link SeamTransportOptions}. */
export const SEAM_OPTIONS = Symbol.for('seam.options');
const SEAM_CALLER = Symbol.for('seam.caller');

/** Provides a {@link SeamClient} whose calls are made on behalf of one module. */
@Module({})
export class SeamClientModule {}

/**
 * Seam's transport layer in a Nest app. Import `forRoot` once (in the app module) with where
 * each module runs; import `forModule(name)` in each module to get its `SeamClient`; call
 * {@link startSeamServers} after creating the app to start answering calls.
 */
@Global()
@Module({})
export class SeamTransportModule {
  static forRoot(options: SeamTransportOptions): DynamicModule {
    const resolved = resolveOptions(options);
    return {
      module: SeamTransportModule,
      // Finds the `@Handle` methods Seam can invoke directly (see `fastHandlers`).
      imports: [DiscoveryModule],
      providers: [
        { provide: SEAM_OPTIONS, useValue: resolved },
        { provide: TransportRouter, useFactory: () => new TransportRouter(resolved) },
      ],
      exports: [SEAM_OPTIONS, TransportRouter],
    };
  }

  /** The `SeamClient` of module `caller` (its name travels with every call it makes). */
  static forModule(caller: string): DynamicModule {
    return {
      module: SeamClientModule,
      providers: [
        { provide: SEAM_CALLER, useValue: caller },
        {
          provide: SeamClient,
          useFactory: (router: TransportRouter, name: string) => new SeamClient(router, name),
          inject: [TransportRouter, SEAM_CALLER],
        },
      ],
      exports: [SeamClient],
    };
  }
}

type DirectCapable = { useDirectHandlers?(direct: ReadonlyMap<string, MessageHandler>): void };
type WorkTaking = { stopTakingWork?(): void };

/** The Seam servers {@link startSeamServers} started, per app. */
const startedServers = new WeakMap<INestApplication, readonly object[]>();

/**
 * Connects and starts the servers this process needs (in-process, plus TCP/Redis for hosted
 * modules reached remotely), sharing the app's global pipes, guards, interceptors and filters.
 * Contract handlers with nothing of Nest's pipeline to run but Seam's own door are then invoked
 * directly (see `fastHandlers`).
 */
export async function startSeamServers(app: INestApplication): Promise<void> {
  const options = app.get<ResolvedSeamOptions>(SEAM_OPTIONS);
  const servers = createTransportServers(options);
  startedServers.set(app, servers);
  for (const strategy of servers) {
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  }
  await app.startAllMicroservices();
  if (options.directHandlers === false) return;
  const direct = fastHandlers(app);
  for (const server of servers) (server as DirectCapable).useDirectHandlers?.(direct);
  new Logger('SeamServer').debug(`${direct.size} contract handlers invoked directly (no per-call Nest pipeline)`);
}

/**
 * Makes the Seam servers of `app` refuse new work now, synchronously: call it from the signal
 * handler that begins a shutdown. Nest closes the servers only after its asynchronous shutdown
 * hooks, and a request arriving meanwhile would be taken; from this call on it is answered
 * `UnavailableError` (reason `shutting-down`), so that its caller can go elsewhere. Calls in flight
 * go on. Servers without remote callers (in-process) have nothing to refuse.
 */
export function stopTakingWork(app: INestApplication): void {
  for (const server of startedServers.get(app) ?? []) (server as WorkTaking).stopTakingWork?.();
}
