import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The module code runs as, for log lines, outside a contract handler (e.g. a scheduled job of a
 * module). Inside a handler the call context says it (`CallContext.module`, set by Seam's servers
 * at no extra cost per call), and takes precedence.
 */
const storage = new AsyncLocalStorage<string>();

/** The module whose message or event handler is running here, if any. */
export function currentModule(): string | undefined {
  return storage.getStore();
}

/** Runs `fn` as code of `module` (log lines made inside say so). */
export function runAsModule<T>(module: string, fn: () => T): T {
  return storage.run(module, fn);
}
