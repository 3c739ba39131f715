import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type INestApplication,
  Injectable,
  type LoggerService,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { OutboxRelay, type OutboxStore, relayOptions, type SubscriberDirectory } from '@seam/messaging';
import type { SeamClient } from '@seam/transport';
import { beginShutdown } from './begin-shutdown.js';
import { ShutdownBudget } from './shutdown-budget.js';

/** A transport server whose close waits for a call in flight that never ends. */
class StuckServer extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }
  close(): Promise<void> {
    return new Promise(() => undefined);
  }
  on(): void {}
  unwrap<T>(): T {
    return undefined as T;
  }
}

/** Stands for the DataSources, which Nest closes after the servers. */
@Injectable()
class Databases implements OnApplicationShutdown {
  closed = false;
  onApplicationShutdown(): void {
    this.closed = true;
  }
}

@Module({ providers: [Databases] })
class ShopModule {}

/** Far longer than any limit below: what a test that would hang gets instead. */
const HUNG_MS = 5_000;
const hungAfter = (ms: number) =>
  new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref());

describe('beginShutdown', () => {
  const warnings: string[] = [];
  const logger: LoggerService = {
    log: () => undefined,
    error: () => undefined,
    warn: (m: unknown) => void warnings.push(String(m)),
  };
  afterEach(() => void warnings.splice(0));

  async function startedApp(servers: CustomTransportStrategy[] = []): Promise<INestApplication> {
    const app = await NestFactory.create(ShopModule, { logger: false, abortOnError: false });
    for (const strategy of servers) app.connectMicroservice({ strategy });
    await app.startAllMicroservices();
    await app.init();
    return app;
  }

  it("bounds a Seam server's close by the servers' share of the budget, so that the databases still close", async () => {
    const app = await startedApp([new StuckServer()]);
    beginShutdown(app, new ShutdownBudget(200), logger);

    await expect(Promise.race([app.close().then(() => 'closed'), hungAfter(HUNG_MS)])).resolves.toBe('closed');
    expect(app.get(Databases).closed).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/^A Seam server was still draining its calls after \d+ ms/)]);
  });

  it("bounds the stop of the process's relays by the work share of the budget, whoever stops them later", async () => {
    const app = await startedApp();
    // A round that never ends: its claim waits on a database that does not answer.
    const store = { claim: () => new Promise(() => undefined) } as unknown as OutboxStore;
    const relay = new OutboxRelay('till', store, {} as SubscriberDirectory, {} as SeamClient, relayOptions());
    relay.start();
    beginShutdown(app, new ShutdownBudget(200), logger);

    // As ModuleMessaging does before the DataSource closes: with no limit of its own.
    await expect(Promise.race([relay.stop().then(() => 'stopped'), hungAfter(HUNG_MS)])).resolves.toBe('stopped');
    await app.close();
  });
});
