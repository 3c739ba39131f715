import { ANY_CALLER, type RequestEntry } from '../contracts/contract.types.js';
import { UNKNOWN_CALLER } from '../context/call-context.js';
import { reservedRequest } from '../delivery/delivery.entries.js';
import { PermissionDeniedError } from '../errors/seam-error.js';

/** What the door needs of a request entry to decide who may call it. */
export type EntryAccess = Pick<RequestEntry, 'callers' | 'onBehalfOf' | 'systemCallers'>;

/**
 * Refuses a request whose caller the contract does not allow, before validation and the handler
 * run, in every transport. `caller` is the sanitised `seam-caller` of the call: in process it is
 * the calling module's own `SeamClient`; over a wire it is the name the envelope carries, which
 * is only as trustworthy as the envelope's authentication (to be added in front of this check).
 *
 * - Contract entries: `caller` must be in `access.callers` (or the list is `[ANY_CALLER]`: a public
 *   entry, open to anyone, a nameless client included); when `access.onBehalfOf` names a payload field
 *   and the payload leaves it out, the call is made "as the system" and `caller` must also be in
 *   `access.systemCallers`.
 * - `<module>.$deliver`: only the relay of the module that publishes the delivered event, i.e. a
 *   caller named like the module of the event's pattern.
 * - `<module>.$subscriptions`: any named caller (it reveals only pattern names, and every relay
 *   asks it).
 * - Entries without `access` (handlers bound before contracts carried allow-lists): only the
 *   owning module itself.
 *
 * @throws PermissionDeniedError naming the caller and the pattern, never the allow-list.
 */
export function assertCallerAllowed(
  pattern: string,
  owner: string,
  access: EntryAccess | undefined,
  caller: string,
  data: unknown,
): void {
  const reserved = reservedRequest(pattern);
  if (reserved) {
    if (caller !== UNKNOWN_CALLER && (reserved.kind === 'subscriptions' || caller === publisherOf(data))) return;
    throw denied(pattern, caller);
  }
  if (!access) {
    if (caller === owner) return;
    throw denied(pattern, caller);
  }
  if (!admits(access.callers, caller)) throw denied(pattern, caller);
  if (access.onBehalfOf !== undefined && isAsSystem(data, access.onBehalfOf)) {
    if (!admits(access.systemCallers ?? [], caller)) throw denied(pattern, caller, access.onBehalfOf);
  }
}

/**
 * Refuses an event published (`SeamClient.emit`) by anyone but the module that owns it: only
 * orders may say that an order was placed. Over a wire the publisher is the name the envelope
 * carries (as for requests, to be authenticated in front of this check).
 *
 * @throws PermissionDeniedError naming the caller and the pattern.
 */
export function assertPublisherAllowed(pattern: string, caller: string): void {
  const dot = pattern.indexOf('.');
  if (caller === UNKNOWN_CALLER || dot <= 0 || pattern.slice(0, dot) !== caller) throw denied(pattern, caller);
}

function admits(list: readonly string[], caller: string): boolean {
  if (list.length === 1 && list[0] === ANY_CALLER) return true;
  return caller !== UNKNOWN_CALLER && list.includes(caller);
}

/** A payload without the end-user field (absent, `undefined` or `null`) is a call as the system. */
function isAsSystem(data: unknown, field: string): boolean {
  if (typeof data !== 'object' || data === null) return true;
  const value = Object.hasOwn(data, field) ? (data as Record<string, unknown>)[field] : undefined;
  return value === undefined || value === null;
}

/** The module whose event a delivery carries, or `undefined` when the delivery names none. */
function publisherOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, 'pattern')) return undefined;
  const pattern = (data as { pattern: unknown }).pattern;
  if (typeof pattern !== 'string') return undefined;
  const dot = pattern.indexOf('.');
  return dot > 0 ? pattern.slice(0, dot) : undefined;
}

function denied(pattern: string, caller: string, onBehalfOf?: string): PermissionDeniedError {
  const asSystem = onBehalfOf === undefined ? '' : ` without ${onBehalfOf}`;
  return new PermissionDeniedError(`"${caller}" may not call "${pattern}"${asSystem}`, {
    caller,
    pattern,
    ...(onBehalfOf === undefined ? {} : { asSystem: true }),
  });
}
