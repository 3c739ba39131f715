import { type DynamicModule, type INestApplication, Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type DatabaseConfig, SeamPersistenceModule } from '@seam/persistence';
import {
  type CallOptions,
  type EmitOptions,
  type EventEntry,
  InProcessBus,
  type RequestEntry,
  SeamClient,
  SeamTransportModule,
  startSeamServers,
  TransportRouter,
} from '@seam/transport';
import type { ContractFake } from './contract-fake.js';
import { EventRecorder, RECORDER_MODULE } from './event-recorder.js';

/** Options of {@link ModuleHarness.start}. */
export interface ModuleHarnessOptions {
  /** The Nest module of the module under test (e.g. `CatalogModule`). */
  module: Type<unknown> | DynamicModule;
  /** Its name. */
  name: string;
  /** Fakes of the contracts it calls (`fakeOf(InventoryContract, { … })`). */
  fakes?: ContractFake[];
  /** Events to record (see {@link ModuleHarness.events}). */
  record?: ReadonlyArray<EventEntry<unknown>>;
  /** Where its data lives (default: a private in-memory SQLite database, migrated). */
  database?: DatabaseConfig;
  /** Providers to replace in the module under test (e.g. an outside service's fake). */
  overrides?: Array<{ provide: unknown; useValue: unknown }>;
}

/**
 * Boots one module alone, the way it runs in the monolith — its own data, its handlers behind the
 * in-process transport — with fakes standing in for the modules it calls. Tests then use the
 * module only through its contract, with `client`.
 */
export class ModuleHarness {
  private constructor(
    private readonly moduleApp: INestApplication,
    private readonly callerApp: INestApplication,
    private readonly recorder: EventRecorder,
  ) {}

  /**
   * A client calling the module under test as a caller its contract allows: each call goes out
   * under the first name in the entry's `callers` (its first `systemCallers` when the payload
   * leaves out the entry's `onBehalfOf` field), or as `test` for public entries. An event emitted
   * with it goes out as its own module's, the only publisher a server accepts it from.
   */
  get client(): SeamClient {
    this.allowedCaller ??= new AllowedCallerClient(this.callerApp.get(TransportRouter));
    return this.allowedCaller;
  }

  private allowedCaller?: SeamClient;

  /** The app hosting the module under test (to reach a provider in a test, sparingly). */
  get app(): INestApplication {
    return this.moduleApp;
  }

  /** The payloads of an event the module published (only for events listed in `record`). */
  events<P>(entry: EventEntry<P>): P[] {
    return this.recorder.of(entry);
  }

  static async start(options: ModuleHarnessOptions): Promise<ModuleHarness> {
    const bus = new InProcessBus();
    const fakes = options.fakes ?? [];
    const recorder = new EventRecorder(options.record ?? []);
    const hosted = [options.name, ...fakes.map((fake) => fake.module), RECORDER_MODULE];
    @Module({ controllers: [...fakes.map((fake) => fake.controller()), recorder.controller()] })
    class FakesModule {}
    let builder = Test.createTestingModule({
      imports: [
        SeamTransportModule.forRoot({ hosted, bus }),
        SeamPersistenceModule.forRoot(options.database ?? { kind: 'memory' }),
        options.module,
        FakesModule,
      ],
    });
    for (const { provide, useValue } of options.overrides ?? [])
      builder = builder.overrideProvider(provide).useValue(useValue);
    const moduleApp = (await builder.compile()).createNestApplication({ logger: ['error'] });
    await startSeamServers(moduleApp);
    await moduleApp.init();
    const callerApp = await callerOn(bus);
    return new ModuleHarness(moduleApp, callerApp, recorder);
  }

  async close(): Promise<void> {
    await this.callerApp.close();
    await this.moduleApp.close();
  }
}

async function callerOn(bus: InProcessBus): Promise<INestApplication> {
  const ref = await Test.createTestingModule({
    imports: [SeamTransportModule.forRoot({ hosted: [], bus }), SeamTransportModule.forModule('test')],
  }).compile();
  const app = ref.createNestApplication({ logger: ['error'] });
  await app.init();
  return app;
}

/** A {@link SeamClient} that impersonates, per call, a caller the entry admits. */
class AllowedCallerClient extends SeamClient {
  private readonly clients = new Map<string, SeamClient>();

  constructor(private readonly routes: TransportRouter) {
    super(routes, 'test');
  }

  override send<Req, Res>(entry: RequestEntry<Req, Res>, request: Req, options?: CallOptions): Promise<Res> {
    return this.as(allowedCallerOf(entry, request)).send(entry, request, options);
  }

  override emit<P>(entry: EventEntry<P>, payload: P, options?: EmitOptions): Promise<void> {
    return this.as(entry?.module ?? 'test').emit(entry, payload, options);
  }

  private as(caller: string): SeamClient {
    let client = this.clients.get(caller);
    if (!client) this.clients.set(caller, (client = new SeamClient(this.routes, caller)));
    return client;
  }
}

function allowedCallerOf(entry: RequestEntry, request: unknown): string {
  const field = entry?.onBehalfOf;
  const asSystem = field !== undefined && (request as Record<string, unknown> | undefined)?.[field] === undefined;
  const list = (asSystem ? entry.systemCallers : entry?.callers) ?? [];
  const first = list[0];
  return first === undefined || first === '*' ? 'test' : first;
}
