import { describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import { authRejections } from '../../auth/auth-rejections.js';
import { deriveMeshKeys } from '../../auth/derive-mesh-keys.js';
import { AUTH_METADATA_KEY, EnvelopeAuth, type SignedFields } from '../../auth/envelope-auth.js';
import { MeshKeys } from '../../auth/mesh-keys.js';
import type { SeamHandlerExtras } from '../../door/seam-extras.js';
import { CallContext } from '../../context/call-context.js';
import { dispatchEvent } from './dispatch.js';
import { HandlerTable } from './handler-table.js';
import { verifiedReceivers } from './verified-receivers.js';

const PATTERN = 'payments.payment.captured';
const identities = ['inventory', 'orders', 'payments'];
const authOf = (self: string[]) =>
  new EnvelopeAuth({
    keys: MeshKeys.from(deriveMeshKeys({ master: Buffer.alloc(32, 6), keyIds: ['k1'], self, identities })),
  });

/** A process hosting inventory and orders, both subscribed to payments' event; `heard` records deliveries. */
function subscriberProcess(heard: string[] = []): {
  auth: EnvelopeAuth;
  table: HandlerTable;
  intake: ReadonlySet<string>;
} {
  const table = new HandlerTable();
  for (const subscriber of ['inventory', 'orders']) {
    const handler: MessageHandler = async () => void heard.push(subscriber);
    handler.extras = { seam: { kind: 'event', owner: 'payments', subscriber } satisfies SeamHandlerExtras };
    table.add(PATTERN, handler, true);
  }
  return { auth: authOf(['inventory', 'orders']), table, intake: new Set(['inventory', 'orders']) };
}

/** payments' event, signed for `recipients`. */
function signedEvent(recipients: string[]): SignedFields {
  const metadata = { 'seam-caller': 'payments', traceparent: '' };
  const fields = { pattern: PATTERN, data: { paymentId: 'p-7' }, metadata };
  const { header } = authOf(['payments']).sign('payments', recipients, fields);
  return { ...fields, metadata: { ...metadata, [AUTH_METADATA_KEY]: header } };
}

/** The same envelope with its MAC list cut to the MACs of `keep`. */
function trimmed(event: SignedFields, keep: string): SignedFields {
  const header = event.metadata[AUTH_METADATA_KEY] as string;
  const cut = header.lastIndexOf(':') + 1;
  const macs = header
    .slice(cut)
    .split(',')
    .filter((mac) => mac.startsWith(`${keep}=`));
  return { ...event, metadata: { ...event.metadata, [AUTH_METADATA_KEY]: header.slice(0, cut) + macs.join(',') } };
}

describe('verifiedReceivers', () => {
  it('gives a signed event to each subscriber addressed, once: a copy with its MAC list trimmed is a replay for each', () => {
    const { auth, table, intake } = subscriberProcess();
    const event = signedEvent(['inventory', 'orders']);
    expect([...verifiedReceivers(auth, table, event, intake)!].toSorted()).toEqual(['inventory', 'orders']);
    const before = authRejections.count('replay');
    expect(verifiedReceivers(auth, table, event, intake)).toBeUndefined();
    expect(verifiedReceivers(auth, table, trimmed(event, 'orders'), intake)).toBeUndefined();
    expect(verifiedReceivers(auth, table, trimmed(event, 'inventory'), intake)).toBeUndefined();
    expect(authRejections.count('replay')).toBe(before + 4);
  });

  it('gives the event only to the subscribers the publisher signed it for', () => {
    const { auth, table, intake } = subscriberProcess();
    const before = authRejections.count('not-addressed');
    expect([...verifiedReceivers(auth, table, signedEvent(['orders']), intake)!]).toEqual(['orders']);
    expect(authRejections.count('not-addressed')).toBe(before + 1);
  });

  it('refuses an unsigned event for each subscriber, and counts it where no module subscribes', () => {
    const { auth, table, intake } = subscriberProcess();
    const unsigned = { pattern: PATTERN, data: {}, metadata: { 'seam-caller': 'payments' } };
    const before = authRejections.count('missing');
    expect(verifiedReceivers(auth, table, unsigned, intake)).toBeUndefined();
    expect(verifiedReceivers(auth, new HandlerTable(), unsigned, intake)).toBeUndefined();
    expect(authRejections.count('missing')).toBe(before + 3);
  });

  it('is what a server delivers by: a trimmed copy of a delivered event reaches no subscriber again', async () => {
    const heard: string[] = [];
    const { auth, table, intake } = subscriberProcess(heard);
    const deliver = ({ pattern, data, metadata }: SignedFields) =>
      dispatchEvent(
        table,
        pattern,
        data,
        {},
        CallContext.fromMetadata(metadata, 5_000),
        intake,
        { propagation: false, auth },
        (payload) => payload,
      );
    const event = signedEvent(['inventory', 'orders']);
    await deliver(event);
    expect(heard.toSorted()).toEqual(['inventory', 'orders']);
    await deliver(trimmed(event, 'orders'));
    await deliver(trimmed(event, 'inventory'));
    expect(heard).toHaveLength(2);
  });
});
