import { ANY_CALLER } from '../../contracts/contract.types.js';
import type { MessageHandler } from '@nestjs/microservices';
import { seamExtrasOf } from '../../door/seam-extras.js';
import { deliveryEntry, reservedRequest, subscriptionsEntry } from '../../delivery/delivery.entries.js';
import { deliveryHandler, subscriptionsHandler } from '../../delivery/reserved-handlers.js';

/** An event handler and the module it subscribes for. */
export interface Subscription {
  subscriber: string;
  handler: MessageHandler;
}

/**
 * The handlers a Seam server dispatches to, indexed for the hot path. Unlike Nest's own table it
 * keeps event handlers apart per subscribing module (Nest chains them into one), so that each
 * module receives its own copy of an event, and a broker can deliver once per module.
 */
export class HandlerTable {
  private readonly requests = new Map<string, MessageHandler>();
  private readonly events = new Map<string, Subscription[]>();
  private readonly reserved = new Map<string, MessageHandler>();

  /**
   * What every Seam server's `addHandler` does: marks the handler as Nest's base class would,
   * then adds it to this table instead of Nest's (which would chain event handlers together).
   */
  register(pattern: string, handler: MessageHandler, isEventHandler: boolean, extras: Record<string, unknown>): void {
    handler.isEventHandler = isEventHandler;
    handler.extras = extras;
    this.add(pattern, handler, isEventHandler);
  }

  /** Adds a handler registered by Nest. Rejects handlers not bound with `@Handle`/`@Subscribe`. */
  add(pattern: string, handler: MessageHandler, isEventHandler: boolean): void {
    const extras = seamExtrasOf(handler);
    if (!extras) {
      throw new Error(
        `Handler for "${pattern}" is not bound to a contract entry: use @Handle(entry) or @Subscribe(entry)`,
      );
    }
    if (isEventHandler) {
      if (!extras.subscriber) {
        throw new Error(
          `Event handler for "${pattern}" has no subscribing module: declare its class with @ContractController(contract)`,
        );
      }
      const admitted = extras.subscribers;
      if (admitted && !(admitted.length === 1 && admitted[0] === ANY_CALLER) && !admitted.includes(extras.subscriber)) {
        throw new Error(
          `Module "${extras.subscriber}" subscribes to "${pattern}", but its contract does not name it among the event's subscribers`,
        );
      }
      const list = this.events.get(pattern) ?? [];
      if (list.some((entry) => entry.subscriber === extras.subscriber)) {
        throw new Error(`Module "${extras.subscriber}" subscribes to "${pattern}" twice`);
      }
      list.push({ subscriber: extras.subscriber, handler });
      this.events.set(pattern, list);
      return;
    }
    if (this.requests.has(pattern)) throw new Error(`Two handlers answer "${pattern}": a request has exactly one`);
    this.requests.set(pattern, handler);
  }

  /**
   * Replaces the handlers of `direct` (pattern → handler Seam invokes without Nest's per-call
   * pipeline, see `fastHandlers`) for the requests registered here; extras are kept.
   */
  useDirectHandlers(direct: ReadonlyMap<string, MessageHandler>): void {
    for (const [pattern, registered] of this.requests) {
      const handler = direct.get(pattern);
      if (!handler || handler === registered) continue;
      handler.isEventHandler = false;
      handler.extras = registered.extras;
      this.requests.set(pattern, handler);
    }
  }

  /**
   * The handler answering `pattern`, if any: a contract's own, or one of the reserved requests
   * every module answers for event relays (`<module>.$deliver`, `<module>.$subscriptions`).
   */
  request(pattern: string): MessageHandler | undefined {
    return this.requests.get(pattern) ?? this.reservedHandler(pattern);
  }

  private reservedHandler(pattern: string): MessageHandler | undefined {
    let handler = this.reserved.get(pattern);
    if (handler) return handler;
    const reserved = reservedRequest(pattern);
    if (!reserved) return undefined;
    const { module } = reserved;
    handler =
      reserved.kind === 'deliver'
        ? deliveryHandler(
            module,
            (event) => this.subscriptions(event).find((entry) => entry.subscriber === module)?.handler,
          )
        : subscriptionsHandler(() => this.subscriptionsByModule().get(module) ?? []);
    // Marked as a request handler bound by Seam, like those Nest registers.
    handler.isEventHandler = false;
    handler.extras = { seam: { kind: 'request', owner: module } };
    this.reserved.set(pattern, handler);
    return handler;
  }

  /** The subscriptions to `pattern`, one per subscribing module, in registration order. */
  subscriptions(pattern: string): readonly Subscription[] {
    return this.events.get(pattern) ?? [];
  }

  /** Modules that answer at least one request pattern. */
  requestOwners(): Set<string> {
    return new Set([...this.requests.keys()].map(moduleOfPattern));
  }

  /** Every module that subscribes to something, with its patterns. */
  subscriptionsByModule(): Map<string, string[]> {
    const byModule = new Map<string, string[]>();
    for (const [pattern, list] of this.events) {
      for (const { subscriber } of list) byModule.set(subscriber, [...(byModule.get(subscriber) ?? []), pattern]);
    }
    return byModule;
  }

  /**
   * All request patterns, for transports that subscribe per pattern: the contracts' own, and the
   * reserved ones of every module `hosted` here that answers or subscribes to anything.
   */
  requestPatterns(hosted?: ReadonlySet<string>): string[] {
    const modules = new Set(
      [...this.requestOwners(), ...this.subscriptionsByModule().keys()].filter(
        (module) => !hosted || hosted.has(module),
      ),
    );
    const reserved = [...modules].flatMap((module) => [
      deliveryEntry(module).pattern,
      subscriptionsEntry(module).pattern,
    ]);
    return [...this.requests.keys(), ...reserved];
  }

  /** Throws when a handler belongs to a module this server does not host. */
  assertHostedOnly(hosted: ReadonlySet<string>, server: string): void {
    const strangers = new Set<string>();
    for (const owner of this.requestOwners()) if (!hosted.has(owner)) strangers.add(owner);
    for (const subscriber of this.subscriptionsByModule().keys())
      if (!hosted.has(subscriber)) strangers.add(subscriber);
    if (strangers.size > 0) {
      throw new Error(
        `${server} has handlers of module(s) ${[...strangers].join(', ')}, which it does not host (hosted: ${[...hosted].join(', ') || 'none'})`,
      );
    }
  }
}

/** The module a pattern belongs to: the part before the first dot. */
export function moduleOfPattern(pattern: string): string {
  const dot = pattern.indexOf('.');
  return dot === -1 ? pattern : pattern.slice(0, dot);
}
