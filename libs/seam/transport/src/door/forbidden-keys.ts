/** Keys that could reach an object's prototype when a payload is turned into class instances. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Payloads nested deeper than this are rejected rather than walked (hostile input). */
export const MAX_PAYLOAD_DEPTH = 64;

/** What {@link findForbiddenKeys} found: paths of forbidden keys, or that the payload is too deep. */
export interface ForbiddenKeyScan {
  paths: string[];
  tooDeep: boolean;
}

/**
 * Walks a JSON payload for keys that must never reach class-transformer (`__proto__`,
 * `constructor`, `prototype`). Returns their paths (`lines[0].__proto__`).
 */
export function findForbiddenKeys(value: unknown): ForbiddenKeyScan {
  const scan: ForbiddenKeyScan = { paths: [], tooDeep: false };
  walk(value, [], scan);
  return scan;
}

/**
 * `trail` holds the keys and indexes leading to `value`. A path is spelled out only for a
 * forbidden key: building one per visited key would cost a string per field of every payload
 * that reaches a door, which almost never holds one.
 */
function walk(value: unknown, trail: Array<string | number>, scan: ForbiddenKeyScan): void {
  if (typeof value !== 'object' || value === null) return;
  if (trail.length >= MAX_PAYLOAD_DEPTH) {
    scan.tooDeep = true;
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      trail.push(i);
      walk(value[i], trail, scan);
      trail.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    trail.push(key);
    if (FORBIDDEN.has(key)) scan.paths.push(fieldPath(trail));
    else walk((value as Record<string, unknown>)[key], trail, scan);
    trail.pop();
  }
}

/**
 * The path of a field in a payload as the doors' errors name it: `lines[0].sku` for the trail
 * `lines`, `0`, `sku` (keys and list indexes from the top down).
 */
export function fieldPath(trail: ReadonlyArray<string | number>): string {
  let path = '';
  for (const step of trail) {
    if (typeof step === 'number') path += `[${step}]`;
    else path = path ? `${path}.${step}` : step;
  }
  return path;
}
