import { DEFAULT_DEADLINE_MS, DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS, DEFAULT_MAX_MESSAGE_BYTES } from '../wire/limits.js';
import type { ResolvedSeamOptions, SeamTransportOptions } from './seam-options.js';

/** Applies defaults and rejects values that cannot work, with a message naming the option. */
export function resolveOptions(options: SeamTransportOptions): ResolvedSeamOptions {
  const resolved: ResolvedSeamOptions = {
    hosted: [...options.hosted],
    endpoints: { ...options.endpoints },
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    incompleteFrameTimeoutMs: options.incompleteFrameTimeoutMs ?? DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
    propagation: options.propagation ?? true,
    bus: options.bus,
  };
  for (const key of ['deadlineMs', 'maxMessageBytes', 'incompleteFrameTimeoutMs'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Seam option ${key} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}
