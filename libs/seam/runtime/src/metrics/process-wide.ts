/**
 * A value shared by every copy of this package loaded in the process, kept on the global object
 * under a registered symbol. Metrics need it because prom-client's registry is one per process,
 * while a module can be loaded twice (two copies of the package in node_modules, an ESM and a
 * CommonJS build): what the registered metrics read must be what every copy records into.
 */
export function processWide<T>(key: string, create: () => T): T {
  const store = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(`@seam/runtime.${key}`);
  if (!(symbol in store)) store[symbol] = create();
  return store[symbol] as T;
}
