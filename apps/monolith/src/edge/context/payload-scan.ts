import { fieldPath, MAX_PAYLOAD_DEPTH } from '@seam/transport';

/** The keys `findForbiddenKeys` (@seam/transport) refuses at the doors: they could reach a prototype. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** U+0000: PostgreSQL refuses it in every text value, and no field of the API has a use for it. */
const NUL = '\u0000';

/**
 * Names of `Object.prototype`'s methods and accessors (`toString`, `hasOwnProperty`,
 * `__defineGetter__`), but `__proto__` and `constructor`, which are forbidden keys already.
 */
const OBJECT_METHODS = new Set(
  Object.getOwnPropertyNames(Object.prototype).filter((name) => name !== '__proto__' && name !== 'constructor'),
);

/**
 * What the edge refuses in a parsed JSON body or query string, found in one walk. Paths are spelt
 * as the doors' errors spell them (`lines[1].sku`, `q[0]`).
 */
export interface PayloadScan {
  /** `__proto__`, `constructor` and `prototype` keys, as `findForbiddenKeys` finds them (not looked into). */
  readonly forbidden: readonly string[];
  /** Whether an object or list lies deeper than the doors accept ({@link MAX_PAYLOAD_DEPTH}), forbidden keys' values aside. */
  readonly tooDeep: boolean;
  /** Text holding U+0000, keys included (a key holding it is named by its own path; its value is not looked into). */
  readonly nul: readonly string[];
  /** Own keys named like a method of `Object.prototype` (not looked into): class-transformer would drop them in silence. */
  readonly shadowing: readonly string[];
}

interface Findings {
  forbidden: string[];
  tooDeep: boolean;
  nul: string[];
  shadowing: string[];
}

/** Which findings a subtree may still add: a key that was reported is not reported again for what it holds. */
interface Reporting {
  readonly forbidden: boolean;
  readonly nul: boolean;
  readonly shadowing: boolean;
}

const EVERYTHING: Reporting = { forbidden: true, nul: true, shadowing: true };

/**
 * Every finding of {@link PayloadScan} in `value`, in one walk that goes no deeper than the doors
 * accept. For a request body, {@link scanBody}.
 */
export function scanPayload(value: unknown): PayloadScan {
  const findings: Findings = { forbidden: [], tooDeep: false, nul: [], shadowing: [] };
  walk(value, [], findings, EVERYTHING);
  return findings;
}

/** Scans of the request bodies already walked, dropped with the body. */
const bodyScans = new WeakMap<object, PayloadScan>();

/**
 * {@link scanPayload} of a request body, walked once however many times it is asked for: the
 * forbidden-keys middleware scans each body, and the validation pipe reads the same scan for its
 * own refusal (`shadowing`). The edge reads the body as the JSON parser made it, and nothing
 * writes to it in between. (A query string needs no such memory: Express parses it anew on each
 * read, so the pipe never sees the object the middleware scanned.)
 */
export function scanBody(body: unknown): PayloadScan {
  if (typeof body !== 'object' || body === null) return scanPayload(body);
  let scan = bodyScans.get(body);
  if (!scan) {
    scan = scanPayload(body);
    bodyScans.set(body, scan);
  }
  return scan;
}

/** `trail` holds the keys and indexes leading to `value`; a path is spelt out only for a finding. */
function walk(value: unknown, trail: Array<string | number>, findings: Findings, reporting: Reporting): void {
  if (typeof value === 'string') {
    if (reporting.nul && value.includes(NUL)) findings.nul.push(fieldPath(trail));
    return;
  }
  if (typeof value !== 'object' || value === null || !(reporting.forbidden || reporting.nul || reporting.shadowing))
    return;
  if (trail.length >= MAX_PAYLOAD_DEPTH) {
    if (reporting.forbidden) findings.tooDeep = true;
    return;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      trail.push(index);
      walk(value[index], trail, findings, reporting);
      trail.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    trail.push(key);
    walk((value as Record<string, unknown>)[key], trail, findings, reportKey(key, trail, findings, reporting));
    trail.pop();
  }
}

/** Reports `key` (the last step of `trail`) for each finding it is, and answers what its value may still add. */
function reportKey(key: string, trail: Array<string | number>, findings: Findings, reporting: Reporting): Reporting {
  const forbidden = reporting.forbidden && FORBIDDEN.has(key);
  const nul = reporting.nul && key.includes(NUL);
  const shadowing = reporting.shadowing && OBJECT_METHODS.has(key);
  if (!forbidden && !nul && !shadowing) return reporting;
  const path = fieldPath(trail);
  if (forbidden) findings.forbidden.push(path);
  if (nul) findings.nul.push(path);
  if (shadowing) findings.shadowing.push(path);
  return {
    forbidden: reporting.forbidden && !forbidden,
    nul: reporting.nul && !nul,
    shadowing: reporting.shadowing && !shadowing,
  };
}
