/** A class used as a data transfer object: fields with class-validator decorators, no behaviour. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DtoClass<T = unknown> = new (...args: any[]) => T;

/** The caller name of the HTTP edge (what its `SeamClient` sends as `seam-caller`). */
export const EDGE = 'edge';

/**
 * In an allow-list, admits anyone: every module, the edge, and a client that names no caller
 * (`unknown`). Use it alone (`callers: [ANY_CALLER]`), only for entries meant to be public.
 */
export const ANY_CALLER = '*';

/**
 * A command or query of a module's contract: one request DTO in, one response DTO out.
 * Sent with `SeamClient.send`, answered by exactly one handler bound with `@Handle`.
 */
export interface RequestEntry<Req = unknown, Res = unknown> {
  readonly kind: 'request';
  /** The module that owns and answers it. */
  readonly module: string;
  /** The wire pattern, `<module>.<verb>-<noun>` (e.g. `orders.place-order`). */
  readonly pattern: string;
  readonly request: DtoClass<Req>;
  readonly response: DtoClass<Res>;
  /**
   * Whether repeating the call has the same effect as making it once. Only idempotent calls
   * may be retried automatically by call policies.
   */
  readonly idempotent: boolean;
  /**
   * Who may call it: module names, {@link EDGE}, or `[ANY_CALLER]`. Checked at the callee's door
   * before validation and the handler, in every transport (in-process included); anyone else gets
   * `PermissionDeniedError`. Over a wire the caller is the name the envelope carries.
   */
  readonly callers: readonly string[];
  /**
   * The payload field naming the end user the call is made for (e.g. `customerId`), when the
   * field is optional: a call without it is made "as the system", and only `systemCallers` may
   * make it.
   */
  readonly onBehalfOf?: string;
  /** Who may call without `onBehalfOf` (default: nobody). */
  readonly systemCallers?: readonly string[];
}

/**
 * An integration event of a module's contract: a fact that already happened, delivered to each
 * subscribing module (`@Subscribe`). Written to the module's outbox (`Outbox.add` of
 * `@seam/messaging`), it is delivered at least once; published with `SeamClient.emit`, at most once.
 */
export interface EventEntry<Payload = unknown> {
  readonly kind: 'event';
  /** The module that publishes it. */
  readonly module: string;
  /** The wire pattern, `<module>.<noun>.<past-participle>` (e.g. `orders.order.placed`). */
  readonly pattern: string;
  readonly payload: DtoClass<Payload>;
  /**
   * The modules that may subscribe to it (or `[ANY_CALLER]`). The architecture check fails when
   * another module's code subscribes; a relay delivers it only on behalf of its publishing module.
   */
  readonly subscribers: readonly string[];
}

/** Any entry of a contract. */
export type ContractEntry = RequestEntry<any, any> | EventEntry<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The request type of a request entry. */
export type RequestOf<E> = E extends RequestEntry<infer Req, unknown> ? Req : never;

/** The response type of a request entry. */
export type ResponseOf<E> = E extends RequestEntry<unknown, infer Res> ? Res : never;

/** The payload type of an event entry. */
export type PayloadOf<E> = E extends EventEntry<infer P> ? P : never;
