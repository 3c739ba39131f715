import type { EntryAccess } from './caller-permission.js';

/** What Seam records in a handler's Nest pattern extras (read back by Seam servers). */
export interface SeamHandlerExtras {
  kind: 'request' | 'event';
  /** Requests: the module that answers. Events: the module that publishes. */
  owner: string;
  /** Events: the module that subscribes (set by `@ContractController`). */
  subscriber?: string;
  /** Events: the modules the contract admits as subscribers (checked when the handler is registered). */
  subscribers?: readonly string[];
  /** Requests: who may call (from the contract entry), checked at the door before the handler. */
  access?: EntryAccess;
}

/** The key under which {@link SeamHandlerExtras} sit in a handler's extras. */
export const SEAM_EXTRAS_KEY = 'seam';

/** Reads Seam's extras from a Nest message handler (`handler.extras`). */
export function seamExtrasOf(handler: { extras?: Record<string, unknown> } | undefined): SeamHandlerExtras | undefined {
  return handler?.extras?.[SEAM_EXTRAS_KEY] as SeamHandlerExtras | undefined;
}
