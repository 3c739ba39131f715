import { ValidationError } from '../errors/seam-error.js';

/**
 * Copies a value with exactly the semantics of `JSON.parse(JSON.stringify(value))` — what a
 * payload becomes after crossing TCP or Redis — and enforces the message size limit on the way.
 *
 * Written by hand because no library copies with JSON semantics: `structuredClone` and the fast
 * deep-clone packages keep `Date`, `Map`, `undefined` and class prototypes, which a wire would not,
 * and a real stringify/parse round trip costs ~650 ns for a 3-field object, more than the whole
 * in-process call budget. The copy is checked against the real round trip by a property test.
 *
 * @throws ValidationError when the value cannot travel (a `BigInt`, a cycle) or is larger than
 * `maxBytes` once encoded as UTF-8 JSON.
 */
export function copyAsJson<T>(value: T, maxBytes: number): T {
  const state: SizeState = { estimate: 0, depth: 0 };
  let copy: unknown;
  try {
    copy = copyProperty(value, '', state);
  } catch (error) {
    throw unserialisable(error);
  }
  if (state.estimate * WORST_CASE_GROWTH > maxBytes) assertEncodedSize(copy, maxBytes);
  return copy as T;
}

/**
 * Checks, without copying, that a payload can travel and fits `maxBytes` (UTF-8 JSON).
 * Cheap for small payloads: the exact size is only computed when an estimate comes close.
 *
 * @throws ValidationError as {@link copyAsJson} does.
 */
export function assertTransmittable(value: unknown, maxBytes: number): void {
  const state: SizeState = { estimate: 0, depth: 0 };
  try {
    estimateProperty(value, '', state);
  } catch (error) {
    throw unserialisable(error);
  }
  if (state.estimate * WORST_CASE_GROWTH > maxBytes) assertEncodedSize(value, maxBytes);
}

/**
 * The estimate counts one unit per character and per scalar. A JSON encoding in UTF-8 can be
 * larger by at most this factor (`\u0000` escapes are 6 bytes for 1 character), so an estimate
 * below `maxBytes / 8` proves the payload fits without encoding it.
 */
const WORST_CASE_GROWTH = 8;

interface SizeState {
  estimate: number;
  /** How many objects and arrays deep the walk is. */
  depth: number;
}

/**
 * The deepest nesting of objects and arrays a message may have. Far below what V8's own
 * `JSON.stringify` survives (~4,500 levels, less on a deeper stack): without a limit of its own the
 * copy found too deep only when its recursion ran out of stack, which depends on the JIT and the
 * caller's stack — so a response the check let through could make the TCP send throw, and the
 * two transports disagreed. Requests stop far earlier, at the door (`MAX_PAYLOAD_DEPTH`).
 */
export const MAX_MESSAGE_DEPTH = 256;

function enter(state: SizeState): void {
  if (++state.depth > MAX_MESSAGE_DEPTH)
    throw new ValidationError(
      `Message cannot be encoded as JSON: it is circular or nested deeper than ${MAX_MESSAGE_DEPTH} levels`,
      [],
      { reason: 'not-serialisable', maxDepth: MAX_MESSAGE_DEPTH },
    );
}

function assertEncodedSize(value: unknown, maxBytes: number): void {
  const encoded = JSON.stringify(value) ?? '';
  const bytes = Buffer.byteLength(encoded, 'utf8');
  if (bytes > maxBytes) {
    throw new ValidationError(`Message is ${bytes} bytes, over the ${maxBytes}-byte limit`, [], {
      reason: 'message-too-large',
      bytes,
      maxBytes,
    });
  }
}

function unserialisable(error: unknown): ValidationError {
  if (error instanceof ValidationError) return error;
  const why =
    error instanceof RangeError ? 'it is circular or too deeply nested' : String((error as Error)?.message ?? error);
  return new ValidationError(`Message cannot be encoded as JSON: ${why}`, [], { reason: 'not-serialisable' });
}

/** Applies `toJSON` and unboxes primitive wrappers, as JSON.stringify does before encoding. */
function prepare(value: unknown, key: string | number): unknown {
  // JSON.stringify asks functions and BigInts for `toJSON` too, not only objects.
  if ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, String(key));
    // Boxed primitives are rare but JSON unboxes them (a boxed BigInt then fails like a BigInt);
    // same-realm checks suffice for payloads.
    // oxlint-disable-next-line unicorn/no-instanceof-builtins
    if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) {
      value = value.valueOf();
    }
  }
  return value;
}

function copyProperty(raw: unknown, key: string | number, state: SizeState): unknown {
  const value = prepare(raw, key);
  switch (typeof value) {
    case 'string':
      state.estimate += value.length + 2;
      return value;
    case 'number':
      state.estimate += 8;
      return Number.isFinite(value) ? value + 0 : null; // `+ 0` turns -0 into 0, as JSON does
    case 'boolean':
      state.estimate += 5;
      return value;
    case 'object':
      if (value === null) {
        state.estimate += 4;
        return null;
      }
      return Array.isArray(value) ? copyArray(value, state) : copyObject(value as Record<string, unknown>, state);
    case 'bigint':
      throw new TypeError('a BigInt cannot be encoded as JSON');
    default:
      return undefined; // undefined, functions and symbols vanish
  }
}

function copyArray(source: unknown[], state: SizeState): unknown[] {
  enter(state);
  const length = source.length;
  const target = new Array<unknown>(length);
  state.estimate += 2 + length;
  for (let i = 0; i < length; i++) {
    const item = copyProperty(source[i], i, state);
    target[i] = item === undefined ? null : item;
  }
  state.depth--;
  return target;
}

function copyObject(source: Record<string, unknown>, state: SizeState): Record<string, unknown> {
  enter(state);
  const target: Record<string, unknown> = {};
  const keys = Object.keys(source);
  state.estimate += 2;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = copyProperty(source[key], key, state);
    if (item === undefined) continue;
    state.estimate += key.length + 4;
    if (key === '__proto__') {
      // JSON.parse makes "__proto__" an own data property; plain assignment would set the prototype.
      Object.defineProperty(target, key, { value: item, writable: true, enumerable: true, configurable: true });
    } else {
      target[key] = item;
    }
  }
  state.depth--;
  return target;
}

function estimateProperty(raw: unknown, key: string | number, state: SizeState): void {
  const value = prepare(raw, key);
  switch (typeof value) {
    case 'string':
      state.estimate += value.length + 2;
      return;
    case 'number':
    case 'boolean':
      state.estimate += 8;
      return;
    case 'object':
      if (value === null) {
        state.estimate += 4;
      } else if (Array.isArray(value)) {
        enter(state);
        state.estimate += 2 + value.length;
        for (let i = 0; i < value.length; i++) estimateProperty(value[i], i, state);
        state.depth--;
      } else {
        enter(state);
        state.estimate += 2;
        for (const entryKey of Object.keys(value)) {
          state.estimate += entryKey.length + 4;
          estimateProperty((value as Record<string, unknown>)[entryKey], entryKey, state);
        }
        state.depth--;
      }
      return;
    case 'bigint':
      throw new TypeError('a BigInt cannot be encoded as JSON');
    default:
      return;
  }
}
