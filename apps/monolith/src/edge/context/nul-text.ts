import { fieldPath, MAX_PAYLOAD_DEPTH } from '@seam/transport';

/** U+0000: PostgreSQL refuses it in every text value, and no field of the API has a use for it. */
const NUL = '\u0000';

/**
 * The paths (`lines[1].sku`, `q[0]`) of the strings in a parsed JSON body or query string that
 * hold U+0000, keys included (a key holding it is named by its own path). Walks no deeper than
 * the doors accept ({@link MAX_PAYLOAD_DEPTH}): deeper payloads are refused for that already.
 */
export function findNulText(value: unknown): string[] {
  const paths: string[] = [];
  walk(value, [], paths);
  return paths;
}

/** As in `findForbiddenKeys`: the path is spelt out only for a finding, not per visited field. */
function walk(value: unknown, trail: Array<string | number>, paths: string[]): void {
  if (typeof value === 'string') {
    if (value.includes(NUL)) paths.push(fieldPath(trail));
    return;
  }
  if (typeof value !== 'object' || value === null || trail.length >= MAX_PAYLOAD_DEPTH) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      trail.push(index);
      walk(value[index], trail, paths);
      trail.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    trail.push(key);
    if (key.includes(NUL)) paths.push(fieldPath(trail));
    else walk((value as Record<string, unknown>)[key], trail, paths);
    trail.pop();
  }
}
