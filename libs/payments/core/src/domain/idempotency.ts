import { createHash } from 'node:crypto';
import { differentCards } from './card-fingerprint.js';

/** The commands that carry an idempotency key. */
export type KeyedOperation = 'authorize' | 'capture' | 'refund';

/** A JSON value, as hashed by {@link canonicalJson}. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** What is stored under one idempotency key. */
export interface KeyUse<R> {
  operation: KeyedOperation;
  /** {@link requestHash} of the request that claimed the key. */
  requestHash: string;
  /**
   * The card's keyed fingerprint (authorize; see `CardFingerprints`): the request hash holds only
   * the last four digits, this tells two cards sharing them apart.
   */
  cardFingerprint?: string;
  /** `in_progress` from the claim until the answer is stored. */
  state: 'in_progress' | 'completed';
  /** The answer, once `completed`. */
  response?: R;
}

/** What a request whose key is already taken gets. */
export type KeyReplay<R> =
  /** The same request, answered before: the stored answer, with no new effect. */
  | { kind: 'replay'; response: R }
  /** The same key for another operation or other details: a caller bug, never retryable. */
  | { kind: 'reused' }
  /** The same request, still being worked on by whoever claimed the key: retry later. */
  | { kind: 'in-progress' };

/**
 * Decides how to answer a request whose key `stored` already holds. The request is compared
 * first: a key reused for something else is refused even while the first request runs. The
 * card fingerprints are compared when both were made with one key (see `differentCards`).
 */
export function replayOf<R>(
  stored: KeyUse<R>,
  operation: KeyedOperation,
  hash: string,
  cardFingerprint?: string,
): KeyReplay<R> {
  if (stored.operation !== operation || stored.requestHash !== hash) return { kind: 'reused' };
  if (differentCards(stored.cardFingerprint, cardFingerprint)) return { kind: 'reused' };
  if (stored.state !== 'completed' || stored.response === undefined) return { kind: 'in-progress' };
  return { kind: 'replay', response: stored.response };
}

/**
 * The sha256 (hex) of a request: the operation and the fields that define its effect, as
 * canonical JSON. Equal for equal requests whatever the order of their fields.
 */
export function requestHash(operation: KeyedOperation, fields: { [key: string]: JsonValue | undefined }): string {
  return createHash('sha256').update(canonicalJson({ operation, fields })).digest('hex');
}

/**
 * JSON with object keys sorted at every level, so that one value has one text. Fields whose value
 * is `undefined` are left out (as `JSON.stringify` does).
 *
 * @throws RangeError for a number JSON cannot carry (NaN, ±Infinity), which would otherwise
 * hash as `null` and make different requests look equal.
 */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value === undefined) throw new RangeError('undefined has no JSON form');
  const entries = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .toSorted()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
  return `{${entries.join(',')}}`;
}
