import { AUTH_METADATA_KEY, EnvelopeAuth } from './envelope-auth.js';
import type { MeshKeys } from './mesh-keys.js';

/** What a stock Nest `ClientProxy` hands its dispatch hook (Nest 12 `setOnDispatchHook`). */
export interface DispatchedPacket {
  pattern: unknown;
  data: unknown;
  metadata?: Record<string, string>;
}

/** Options of {@link seamCredentials}. */
export interface SeamCredentialsOptions {
  /** The module (or `edge`) the client speaks as: the callee's contract must allow it. */
  caller: string;
  /** The mesh keys of that module (its own pairs only, as `npm run mesh:keys` derives them). */
  keys: MeshKeys;
  /** Budget announced to the callee, in ms (default 5,000): the callee gives up after it. */
  budgetMs?: number;
}

/**
 * A dispatch hook that makes a stock Nest `ClientProxy` (TCP or Redis) an authenticated Seam
 * caller: it names the caller and signs every packet as Seam's own clients do.
 *
 * ```ts
 * client.setOnDispatchHook(seamCredentials({ caller: 'orders', keys: MeshKeys.parse(text) }));
 * await lastValueFrom(client.send('payments.refund-payment', { paymentId }));
 * ```
 *
 * A packet whose pattern names another module is a request to it; one whose pattern names the
 * caller's own module is an event it publishes, signed for every module it shares a key with.
 * Replies are not checked (Nest's client has no hook for them): use `SeamClient` where the
 * answer must be authenticated too.
 */
export function seamCredentials({
  caller,
  keys,
  budgetMs = 5_000,
}: SeamCredentialsOptions): (packet: DispatchedPacket) => void {
  const auth = new EnvelopeAuth({ keys });
  return (packet) => {
    if (typeof packet.pattern !== 'string')
      throw new TypeError('Seam patterns are strings, e.g. "payments.refund-payment"');
    const module = packet.pattern.slice(0, packet.pattern.indexOf('.'));
    const metadata: Record<string, string> = {
      ...packet.metadata,
      'seam-caller': caller,
      'seam-budget-ms': String(Math.floor(budgetMs)),
    };
    const recipients = module === caller ? keys.peersOf(caller) : [module];
    metadata[AUTH_METADATA_KEY] = auth.sign(caller, recipients, {
      pattern: packet.pattern,
      data: packet.data,
      metadata,
    }).header;
    packet.metadata = metadata;
  };
}
