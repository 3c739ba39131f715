import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type ResolvedSeamOptions, SEAM_OPTIONS, SeamClient, SeamTransportModule } from '@seam/transport';
import { EventSubscribers } from './event-subscribers.js';
import { Inbox } from './inbox.js';
import { type InboxOptions, inboxOptions } from './inbox-options.js';
import { InboxRetention } from './inbox-retention.js';
import { Outbox } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxStore } from './outbox-store.js';
import { type RelayOptions, relayOptions } from './relay-options.js';
import { Sql } from './sql.js';
import { SubscriberDirectory } from './subscriber-directory.js';

/** Options of {@link SeamMessagingModule.forModule}. */
export interface MessagingModuleOptions {
  /** Relay tuning (see {@link RelayOptions}); defaults suit most modules. */
  relay?: Partial<RelayOptions>;
  /** How the inbox groups the events it applies, and how long it keeps its entries (see {@link InboxOptions}). */
  inbox?: Partial<InboxOptions>;
}

const SQL = Symbol('seam.messaging.sql');
const MODULE = Symbol('seam.messaging.module');
const OPTIONS = Symbol('seam.messaging.options');
const INBOX_OPTIONS = Symbol('seam.messaging.inbox-options');
const SUBSCRIBERS = Symbol('seam.messaging.subscribers');

/**
 * A module's messaging: its {@link Outbox}, {@link Inbox} and {@link OutboxStore} (dead letters)
 * on its own DataSource, and its {@link OutboxRelay} and {@link InboxRetention}, which run while
 * the app runs (started at bootstrap, stopped before the DataSource closes). The module's
 * migrations must create the tables (`createMessagingTables`) and the index its inbox is pruned by
 * (`createInboxReceivedAtIndex`).
 */
@Module({})
export class SeamMessagingModule {
  /**
   * The messaging of the module whose contract is `contract` (a `defineContract` value): its relay
   * asks, and delivers to, only the modules each event's `subscribers` names (every reachable
   * module for `[ANY_CALLER]`), plus the modules of its own process, and its outbox takes only the
   * contract's events. Given just a module name, the relay asks every module it can reach (each
   * must then be reachable for an event not to wait), as for a module without a contract.
   *
   * @throws Error when `contract` is neither a module name nor a `defineContract` value.
   * @throws RangeError when a relay or inbox option is out of range.
   */
  static forModule(contract: object | string, options: MessagingModuleOptions = {}): DynamicModule {
    const subscribers =
      typeof contract === 'string' ? EventSubscribers.unlisted(contract) : EventSubscribers.of(contract);
    const module = subscribers.module;
    const relay = relayOptions(options.relay);
    const inbox = inboxOptions(options.inbox);
    return {
      module: ModuleMessaging,
      imports: [SeamTransportModule.forModule(module)],
      providers: [
        // As values, not only in closures: Nest tells dynamic modules apart by their metadata,
        // and two modules' factories have the same source text.
        { provide: MODULE, useValue: module },
        { provide: OPTIONS, useValue: relay },
        { provide: INBOX_OPTIONS, useValue: inbox },
        { provide: SUBSCRIBERS, useValue: subscribers },
        {
          provide: SQL,
          useFactory: (dataSource: DataSource) => new Sql(dataSource),
          inject: [getDataSourceToken(module)],
        },
        { provide: OutboxStore, useFactory: (sql: Sql) => new OutboxStore(sql), inject: [SQL] },
        {
          provide: OutboxRelay,
          useFactory: (
            name: string,
            tuning: RelayOptions,
            lists: EventSubscribers,
            store: OutboxStore,
            seam: SeamClient,
            transport: ResolvedSeamOptions,
          ) =>
            new OutboxRelay(
              name,
              store,
              new SubscriberDirectory(seam, {
                refreshMs: tuning.subscriptionsRefreshMs,
                askTimeoutMs: 2_000,
                subscribers: lists,
                hosted: transport.hosted,
              }),
              seam,
              tuning,
            ),
          inject: [MODULE, OPTIONS, SUBSCRIBERS, OutboxStore, SeamClient, SEAM_OPTIONS],
        },
        {
          provide: Outbox,
          useFactory: (name: string, sql: Sql, relayer: OutboxRelay, lists: EventSubscribers) =>
            new Outbox(name, sql, () => relayer.wake(), lists),
          inject: [MODULE, SQL, OutboxRelay, SUBSCRIBERS],
        },
        {
          provide: Inbox,
          useFactory: (sql: Sql, tuning: InboxOptions) => new Inbox(sql, tuning),
          inject: [SQL, INBOX_OPTIONS],
        },
        {
          provide: InboxRetention,
          useFactory: (moduleInbox: Inbox, name: string) => new InboxRetention(moduleInbox, name),
          inject: [Inbox, MODULE],
        },
      ],
      exports: [Outbox, Inbox, OutboxStore, OutboxRelay],
    };
  }
}

/** The Nest module holding one module's messaging; runs its relay and its inbox's pruning with the app. */
@Module({})
export class ModuleMessaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(InboxRetention) private readonly retention: InboxRetention,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    this.retention.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Both stopped before the DataSource closes, even if one of them fails to stop cleanly.
    const [relay] = await Promise.allSettled([this.relay.stop(), this.retention.stop()]);
    if (relay.status === 'rejected') throw relay.reason;
  }
}
