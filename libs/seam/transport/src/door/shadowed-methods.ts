/** Per prototype: the names class-transformer will not assign on an object inheriting from it. */
const unassignable = new WeakMap<object, Set<string>>();

/**
 * Whether an object of `value` (a DTO instance, an array, a plain object, at any depth) has an own
 * key that names a method — or a read-only accessor — of its prototype chain: `isPrototypeOf`,
 * `hasOwnProperty`, a DTO's own method. class-transformer's `plainToInstance` leaves such keys out
 * of what it builds, while a direct copy keeps them (and class-validator's whitelist lets some of
 * them through), so an instance holding one is not the one `plainToInstance` would have built.
 */
export function shadowsMethods(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(shadowsMethods);
  const prototype = Object.getPrototypeOf(value) as object | null;
  const names = prototype === null ? undefined : unassignableOn(prototype);
  for (const key of Object.keys(value)) {
    if (names?.has(key)) return true;
    if (shadowsMethods((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function unassignableOn(prototype: object): Set<string> {
  let names = unassignable.get(prototype);
  if (names === undefined) {
    names = new Set();
    for (let level: object | null = prototype; level !== null; level = Object.getPrototypeOf(level) as object | null) {
      for (const name of Object.getOwnPropertyNames(level)) {
        const descriptor = Object.getOwnPropertyDescriptor(level, name)!;
        if (typeof descriptor.value === 'function' || (descriptor.get && !descriptor.set)) names.add(name);
      }
    }
    unassignable.set(prototype, names);
  }
  return names;
}
