import type { EnvelopeAuth, SignedFields } from '../../auth/envelope-auth.js';
import type { HandlerTable } from './handler-table.js';

/**
 * The subscribers of a signed event that may have it: each one whose own MAC in the envelope
 * verifies and whose own replay check passes; `undefined` when the envelope is authentic for none
 * of this process's modules (a TCP server closes a connection that has proven nothing on such a
 * refusal). Checking one MAC for all would let a copy of the
 * envelope, its MAC list trimmed or reordered, pass again under another subscriber's pair (a fresh
 * replay key) and reach every subscriber a second time. Refusals are counted and logged
 * (rate-limited) by the authenticator. With no subscriber here, the envelope is still checked once,
 * so that a forged one is counted whether or not anyone would have had it.
 */
export function verifiedReceivers(
  auth: EnvelopeAuth,
  table: HandlerTable,
  fields: SignedFields,
  intake: ReadonlySet<string>,
): ReadonlySet<string> | undefined {
  const subscribers = table
    .subscriptions(fields.pattern)
    .map(({ subscriber }) => subscriber)
    .filter((module) => intake.has(module));
  if (subscribers.length === 0) {
    try {
      auth.verify(fields, (module) => intake.has(module));
      return new Set();
    } catch {
      return undefined; // counted by the authenticator
    }
  }
  const receivers = new Set<string>();
  for (const module of subscribers) {
    try {
      auth.verify(fields, (recipient) => recipient === module);
      receivers.add(module);
    } catch {
      // counted by the authenticator; the others may still be addressed
    }
  }
  return receivers.size > 0 ? receivers : undefined;
}
