import { ANY_CALLER, type RequestEntry } from '../contracts/contract.types.js';

/**
 * An integration event handed to one subscribing module by a relay (`@seam/messaging`), as the
 * payload of that module's reserved `<module>.$deliver` request. Unlike `SeamClient.emit`, the
 * answer comes only once the module's handler has finished: it is the acknowledgement.
 */
export interface EventDelivery {
  /** The event's id: the same on every attempt, so that consumers can apply it once. */
  eventId: string;
  /** The event's pattern, e.g. `orders.order.confirmed`. */
  pattern: string;
  /** The aggregate the event is about (events of one aggregate arrive in the order written). */
  aggregateId: string;
  /** Which attempt this is, from 1. */
  attempt: number;
  /** The event's payload, as written to the producer's outbox. */
  payload: unknown;
}

/** The answer to an {@link EventDelivery}: whether the module had a handler for the event. */
export interface DeliveryReceipt {
  handled: boolean;
}

/** The answer to a `<module>.$subscriptions` request: the event patterns the module subscribes to. */
export interface SubscriptionList {
  patterns: string[];
}

const DELIVER = '$deliver';
const SUBSCRIPTIONS = '$subscriptions';

// Reserved names start with "$", which contract patterns cannot contain (kebab-case verbs and
// nouns only), so they never collide with a module's own entries.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Untyped = class {} as new () => any;

/**
 * The reserved entries made so far, one per module and kind. A relay asks for one per delivery,
 * and whatever caches per entry (a client's call meters) must see the same object each time, not a
 * new one per event: made afresh, each delivery left an entry behind in such a cache. Module names
 * come from the topology, a bounded set; past {@link MAX_RESERVED} names (a caller inventing them),
 * entries are made without being kept.
 */
const reserved = new Map<string, RequestEntry>();
const MAX_RESERVED = 1_000;

function reservedEntry(module: string, suffix: string, idempotent: boolean): RequestEntry {
  const pattern = `${module}.${suffix}`;
  let entry = reserved.get(pattern);
  if (!entry) {
    entry = Object.freeze({
      kind: 'request',
      module,
      pattern,
      request: Untyped,
      response: Untyped,
      idempotent,
      // `$deliver`: the door admits only the relay of the delivered event's publisher (door/caller-permission.ts).
      callers: Object.freeze([ANY_CALLER]),
    } satisfies RequestEntry);
    if (reserved.size < MAX_RESERVED) reserved.set(pattern, entry);
  }
  return entry;
}

/**
 * The reserved request through which `module` takes an event and acknowledges it once handled
 * (the same frozen object on every call for a module).
 */
export function deliveryEntry(module: string): RequestEntry<EventDelivery, DeliveryReceipt> {
  return reservedEntry(module, DELIVER, false) as RequestEntry<EventDelivery, DeliveryReceipt>;
}

/** The reserved request answering which events `module` subscribes to (the same frozen object on every call). */
export function subscriptionsEntry(module: string): RequestEntry<Record<string, never>, SubscriptionList> {
  return reservedEntry(module, SUBSCRIPTIONS, true) as RequestEntry<Record<string, never>, SubscriptionList>;
}

/** The reserved request a pattern names, if it is one: its module and kind. */
export function reservedRequest(pattern: string): { module: string; kind: 'deliver' | 'subscriptions' } | undefined {
  const dot = pattern.indexOf('.');
  // Contract entries cannot contain "$": most calls are answered without cutting the pattern.
  if (dot <= 0 || pattern.charCodeAt(dot + 1) !== 36) return undefined;
  const suffix = pattern.slice(dot + 1);
  if (suffix === DELIVER) return { module: pattern.slice(0, dot), kind: 'deliver' };
  if (suffix === SUBSCRIPTIONS) return { module: pattern.slice(0, dot), kind: 'subscriptions' };
  return undefined;
}
