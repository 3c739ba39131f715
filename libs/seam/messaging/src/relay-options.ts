import type { BackoffOptions } from './backoff.js';

/** How a module's relay delivers its outbox. */
export interface RelayOptions {
  /** Pause between polls when the outbox is idle, in ms (an `add` wakes the relay sooner). */
  pollMs: number;
  /** Events claimed per round. */
  batchSize: number;
  /** How long a claim holds; a relay that dies holding one frees it after this, in ms. */
  leaseMs: number;
  /** Deadline of one delivery to one module, in ms (must be well under `leaseMs`). */
  deliveryTimeoutMs: number;
  /** Attempts before an event goes to the dead-letter table. */
  maxAttempts: number;
  backoff: BackoffOptions;
  /** How long a module's list of subscriptions is trusted before it is asked again, in ms. */
  subscriptionsRefreshMs: number;
}

/**
 * Defaults: an event added in this process is delivered at once (the add wakes the relay); others
 * (added by another replica, or due for a retry) within 250 ms; retries for about 5 minutes (12
 * attempts, capped at 60 s), then the dead-letter table.
 */
export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  pollMs: 250,
  batchSize: 50,
  leaseMs: 30_000,
  deliveryTimeoutMs: 5_000,
  maxAttempts: 12,
  backoff: { baseMs: 250, maxMs: 60_000 },
  subscriptionsRefreshMs: 30_000,
};

/** `defaults` overridden by `overrides`, checked: a lease shorter than a delivery would let two relays deliver at once. */
export function relayOptions(overrides: Partial<RelayOptions> = {}): RelayOptions {
  const options = {
    ...DEFAULT_RELAY_OPTIONS,
    ...overrides,
    backoff: { ...DEFAULT_RELAY_OPTIONS.backoff, ...overrides.backoff },
  };
  for (const [name, value] of Object.entries({ ...options, ...options.backoff })) {
    if (typeof value === 'number' && !(Number.isInteger(value) && value > 0))
      throw new RangeError(`Relay option ${name} must be a positive integer, got ${value}`);
  }
  if (options.leaseMs < 2 * options.deliveryTimeoutMs) {
    throw new RangeError(
      `Relay option leaseMs (${options.leaseMs}) must be at least twice deliveryTimeoutMs (${options.deliveryTimeoutMs})`,
    );
  }
  return options;
}
