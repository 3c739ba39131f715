import { AsyncLocalStorage } from 'node:async_hooks';
import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import {
  AUTH_METADATA_KEY,
  copyAsJson,
  type EnvelopeAuth,
  DEFAULT_MAX_MESSAGE_BYTES,
  type Endpoint,
  InProcessBus,
  installSeamMeters,
  SeamClient,
  type SeamRedisSecurity,
  startSeamServers,
} from '@seam/transport';
import { lastValueFrom } from 'rxjs';
import { SeamCalleeModule, SeamCallerModule, StockCalleeModule } from './bench-apps.js';
import { BenchContract, SAMPLE, STOCK_PATTERN } from './bench.contract.js';
import { echoTriple } from './bench.controllers.js';
import { CaptureServer } from './capture.server.js';
import { benchAuth } from './bench-mesh.js';
import { benchAclSecurity } from './acl-redis.js';
import { tracingRows } from './observability-rows.js';

/** Where the callee processes of the remote rows listen. */
export interface RemoteAddresses {
  stockTcpPort: number;
  seamTcpPort: number;
  /** The callee whose envelopes are authenticated (mesh keys). */
  seamAuthTcpPort: number;
  redisUrl?: string;
  /** The authenticated Redis callee's database (its own streams). */
  redisAuthUrl?: string;
  /** A private Redis with one ACL user per process and no default user (see acl-redis.ts). */
  redisAclUrl?: string;
}

/** One measured way of making the same call. */
export interface RowSession {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

/** A row of the benchmark table. */
export interface Row {
  id: string;
  label: string;
  needsRedis?: boolean;
  /** Node flags for the measuring process (default none). */
  nodeFlags?: string[];
  /** Rows of one group are measured in the same process, in turns, to compare them steadily. */
  group?: string;
  open(addresses: RemoteAddresses): Promise<RowSession>;
}

const quiet = { logger: false as const };

async function seamCaller(
  endpoint: Endpoint | undefined,
  options: { bus?: InProcessBus; propagation?: boolean; auth?: EnvelopeAuth; redis?: SeamRedisSecurity } = {},
) {
  const endpoints: Record<string, Endpoint> = endpoint ? { bench: endpoint } : {};
  const app = await NestFactory.create(SeamCallerModule.with({ hosted: [], endpoints, ...options }), quiet);
  await app.init();
  return app;
}

async function inProcessSession(validate: boolean, propagation: boolean): Promise<RowSession> {
  const bus = new InProcessBus();
  const callee = await NestFactory.create(SeamCalleeModule.with({ hosted: ['bench'], bus, propagation }), quiet);
  await startSeamServers(callee);
  await callee.init();
  const caller = await seamCaller(undefined, { bus, propagation });
  const client = caller.get(SeamClient);
  const entry = validate ? BenchContract.echoValidated : BenchContract.echo;
  return { call: () => client.send(entry, SAMPLE), close: () => closeAll(caller, callee) };
}

/**
 * A session whose calls run with this process's seam meters installed or not. Loading
 * `@seam/runtime` installs them for the whole process, so each call sets what its row measures
 * (both rows of the group pay the same assignment).
 */
async function metered(session: RowSession, on: boolean): Promise<RowSession> {
  const { seamMeters } = await import('@seam/runtime');
  const meters = on ? seamMeters : undefined;
  return {
    call: () => {
      installSeamMeters(meters);
      return session.call();
    },
    close: session.close,
  };
}

async function remoteSeamSession(
  endpoint: Endpoint,
  validate: boolean,
  auth?: EnvelopeAuth,
  redis?: SeamRedisSecurity,
): Promise<RowSession> {
  const caller = await seamCaller(endpoint, { auth, redis });
  const client = caller.get(SeamClient);
  const entry = validate ? BenchContract.echoValidated : BenchContract.echo;
  await client.send(entry, SAMPLE);
  return { call: () => client.send(entry, SAMPLE), close: () => closeAll(caller) };
}

async function stockSession(proxy: ClientProxy): Promise<RowSession> {
  await proxy.connect();
  return {
    call: () => lastValueFrom(proxy.send(STOCK_PATTERN, SAMPLE)),
    close: async () => void (await proxy.close()),
  };
}

async function closeAll(...apps: Array<INestApplication | INestMicroservice>): Promise<void> {
  for (const app of apps) await app.close();
}

/** Every row, in table order. */
export const ROWS: Row[] = [
  {
    id: 'direct',
    label: 'Direct method call',
    open: async () => ({ call: async () => echoTriple(SAMPLE), close: async () => undefined }),
  },
  {
    id: 'nest-pipeline',
    label: "Nest's handler pipeline alone",
    open: async () => {
      const server = new CaptureServer();
      const app = await NestFactory.createMicroservice(StockCalleeModule, { strategy: server, ...quiet });
      await app.listen();
      const handler = server.getHandlerByPattern(STOCK_PATTERN)!;
      return { call: () => handler(SAMPLE, {}), close: () => app.close() };
    },
  },
  {
    id: 'copy-floor',
    label:
      'Floor: Nest pipeline + JSON copy both ways + one microtask (what any in-process transport with these semantics must do)',
    open: async () => {
      const server = new CaptureServer();
      const app = await NestFactory.createMicroservice(StockCalleeModule, { strategy: server, ...quiet });
      await app.listen();
      const handler = server.getHandlerByPattern(STOCK_PATTERN)!;
      const call = () =>
        new Promise((resolve, reject) => {
          const data = copyAsJson(SAMPLE, DEFAULT_MAX_MESSAGE_BYTES);
          queueMicrotask(
            () =>
              void handler(data, {}).then((result) => resolve(copyAsJson(result, DEFAULT_MAX_MESSAGE_BYTES)), reject),
          );
        });
      return { call, close: () => app.close() };
    },
  },
  {
    id: 'nest-pipeline-als',
    label: "Nest's handler pipeline alone, AsyncLocalStorage active in the process",
    open: async () => {
      // Any AsyncLocalStorage in use (nestjs-cls, OpenTelemetry, Seam's implicit propagation)
      // makes Node 20 run hooks on every promise; this row shows that cost on Nest alone.
      new AsyncLocalStorage<object>().enterWith({});
      const server = new CaptureServer();
      const app = await NestFactory.createMicroservice(StockCalleeModule, { strategy: server, ...quiet });
      await app.listen();
      const handler = server.getHandlerByPattern(STOCK_PATTERN)!;
      return { call: () => handler(SAMPLE, {}), close: () => app.close() };
    },
  },
  {
    id: 'nest-tcp',
    group: 'tcp',
    label: "Nest's stock TCP ClientProxy",
    open: async ({ stockTcpPort }) =>
      stockSession(ClientProxyFactory.create({ transport: Transport.TCP, options: { port: stockTcpPort } })),
  },
  {
    id: 'nest-redis',
    group: 'redis',
    label: "Nest's stock Redis ClientProxy",
    needsRedis: true,
    open: async ({ redisUrl }) => {
      const { hostname, port } = new URL(redisUrl!);
      return stockSession(
        ClientProxyFactory.create({ transport: Transport.REDIS, options: { host: hostname, port: Number(port) } }),
      );
    },
  },
  {
    id: 'seam-in-process',
    label: 'Seam in-process, validation off (default: implicit context propagation)',
    open: () => inProcessSession(false, true),
  },
  {
    id: 'seam-in-process-unmetered',
    group: 'in-process-metrics',
    label: 'Seam in-process, validation off, default propagation, `@seam/runtime` loaded, no metrics recorded',
    open: async () => metered(await inProcessSession(false, true), false),
  },
  {
    id: 'seam-in-process-metered',
    group: 'in-process-metrics',
    label: 'Seam in-process, validation off, default propagation, `@seam/runtime` loaded, RED metrics recorded',
    open: async () => metered(await inProcessSession(false, true), true),
  },
  ...tracingRows(() => inProcessSession(false, true)),
  {
    id: 'seam-in-process-explicit',
    label: 'Seam in-process, validation off, `propagation: false` (no AsyncLocalStorage)',
    open: () => inProcessSession(false, false),
  },
  {
    id: 'seam-in-process-explicit-semispace',
    label: 'Seam in-process, validation off, `propagation: false`, `node --max-semi-space-size=64`',
    nodeFlags: ['--max-semi-space-size=64'],
    open: () => inProcessSession(false, false),
  },
  {
    id: 'seam-in-process-validated',
    label: 'Seam in-process, validation on (3-field DTO both ways)',
    open: () => inProcessSession(true, true),
  },
  {
    id: 'seam-in-process-validated-explicit',
    label: 'Seam in-process, validation on, `propagation: false`',
    open: () => inProcessSession(true, false),
  },
  {
    id: 'seam-tcp',
    group: 'tcp',
    label: 'Seam TCP, validation off',
    open: ({ seamTcpPort }) => remoteSeamSession({ transport: 'tcp', host: '127.0.0.1', port: seamTcpPort }, false),
  },
  {
    id: 'seam-tcp-validated',
    group: 'tcp',
    label: 'Seam TCP, validation on',
    open: ({ seamTcpPort }) => remoteSeamSession({ transport: 'tcp', host: '127.0.0.1', port: seamTcpPort }, true),
  },
  {
    id: 'seam-tcp-auth',
    group: 'tcp',
    label: 'Seam TCP, validation off, envelopes authenticated (mesh keys)',
    open: ({ seamAuthTcpPort }) =>
      remoteSeamSession(
        { transport: 'tcp', host: '127.0.0.1', port: seamAuthTcpPort },
        false,
        benchAuth('bench-caller'),
      ),
  },
  {
    id: 'seam-redis',
    group: 'redis',
    label: 'Seam Redis (load-balanced streams), validation off',
    needsRedis: true,
    open: ({ redisUrl }) => remoteSeamSession({ transport: 'redis', url: redisUrl! }, false),
  },
  {
    id: 'seam-redis-validated',
    group: 'redis',
    label: 'Seam Redis (load-balanced streams), validation on',
    needsRedis: true,
    open: ({ redisUrl }) => remoteSeamSession({ transport: 'redis', url: redisUrl! }, true),
  },
  {
    id: 'seam-redis-auth',
    group: 'redis',
    label:
      'Seam Redis (load-balanced streams), validation off, a MAC per envelope (mesh keys; a Redis without a user per process)',
    needsRedis: true,
    open: ({ redisAuthUrl }) =>
      remoteSeamSession({ transport: 'redis', url: redisAuthUrl! }, false, benchAuth('bench-caller')),
  },
  {
    id: 'seam-redis-acl',
    group: 'redis',
    label:
      'Seam Redis (load-balanced streams), validation off, authenticated as deployed: callers vouched for by their Redis ACL users (a stream per caller, heartbeats signed)',
    needsRedis: true,
    open: ({ redisAclUrl }) =>
      remoteSeamSession(
        { transport: 'redis', url: redisAclUrl! },
        false,
        benchAuth('bench-caller'),
        benchAclSecurity('caller'),
      ),
  },
  {
    id: 'auth-alone',
    label:
      'Envelope authentication alone: sign a request, verify it, sign the reply, verify it (HMAC-SHA-256, the 3-field DTO)',
    open: async () => {
      const caller = benchAuth('bench-caller');
      const callee = benchAuth('bench');
      const pattern = BenchContract.echo.pattern;
      const call = async () => {
        const metadata: Record<string, string> = { 'seam-caller': 'bench-caller', 'seam-budget-ms': '5000' };
        const { header, request } = caller.sign('bench-caller', ['bench'], { pattern, data: SAMPLE, metadata });
        metadata[AUTH_METADATA_KEY] = header;
        const verified = callee.verify({ pattern, data: SAMPLE, metadata }, (module) => module === 'bench');
        const reply = callee.signReply(verified, undefined, SAMPLE);
        if (!caller.verifyReply(request, reply, undefined, SAMPLE)) throw new Error('reply did not verify');
      };
      return { call, close: async () => undefined };
    },
  },
];
