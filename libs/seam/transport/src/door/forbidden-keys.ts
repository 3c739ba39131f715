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
  walk(value, '', 0, scan);
  return scan;
}

function walk(value: unknown, path: string, depth: number, scan: ForbiddenKeyScan): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_PAYLOAD_DEPTH) {
    scan.tooDeep = true;
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], `${path}[${i}]`, depth + 1, scan);
    return;
  }
  for (const key of Object.keys(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (FORBIDDEN.has(key)) scan.paths.push(childPath);
    else walk((value as Record<string, unknown>)[key], childPath, depth + 1, scan);
  }
}
