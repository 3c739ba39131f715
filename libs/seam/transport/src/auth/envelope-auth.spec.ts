import { describe, expect, it } from '@jest/globals';
import { UnauthenticatedError } from '../errors/seam-error.js';
import { authRejections } from './auth-rejections.js';
import { deriveMeshKeys } from './derive-mesh-keys.js';
import { AUTH_METADATA_KEY, EnvelopeAuth } from './envelope-auth.js';
import { MeshKeys } from './mesh-keys.js';

const master = Buffer.alloc(32, 42);
const identities = ['catalog', 'edge', 'identity', 'orders', 'payments'];
const keysOf = (self: string, keyIds = ['k1']) =>
  MeshKeys.from(deriveMeshKeys({ master, keyIds, self: [self], identities }));
const authOf = (self: string, keyIds?: string[], now?: () => number) =>
  new EnvelopeAuth({ keys: keysOf(self, keyIds), now });

function signed(from: EnvelopeAuth, caller: string, to: string[], pattern: string, data: unknown) {
  const metadata: Record<string, string> = { 'seam-caller': caller, 'seam-budget-ms': '5000', traceparent: 'tp' };
  const { header, request } = from.sign(caller, to, { pattern, data, metadata });
  metadata[AUTH_METADATA_KEY] = header;
  return { pattern, data, metadata, request };
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    // Anything but the typed error fails the comparison with a reason.
    return error instanceof UnauthenticatedError ? (error.details.reason as string) : `not typed: ${String(error)}`;
  }
  return undefined;
}

const toPayments = (module: string) => module === 'payments';

describe('EnvelopeAuth', () => {
  it('verifies what the caller signed for it, once', () => {
    const payments = authOf('payments');
    const envelope = signed(authOf('orders'), 'orders', ['payments'], 'payments.refund-payment', { paymentId: 'p1' });
    const verified = payments.verify(envelope, toPayments);
    expect(verified).toMatchObject({ from: 'orders', to: 'payments', kid: 'k1' });
    expect(refusal(() => payments.verify(envelope, toPayments))).toBe('replay');
  });

  it('verifies a payload that made a JSON round trip (what every wire does)', () => {
    const envelope = signed(authOf('orders'), 'orders', ['payments'], 'payments.authorize', {
      a: 1,
      b: [1, 'x'],
      c: null,
    });
    const travelled = JSON.parse(JSON.stringify(envelope));
    expect(authOf('payments').verify(travelled, toPayments).from).toBe('orders');
  });

  it.each([
    ['an altered payload', (e: ReturnType<typeof signed>) => ({ ...e, data: { paymentId: 'p2' } }), 'bad-signature'],
    ['an altered pattern', (e: ReturnType<typeof signed>) => ({ ...e, pattern: 'payments.capture' }), 'bad-signature'],
    [
      'a longer budget',
      (e: ReturnType<typeof signed>) => ({ ...e, metadata: { ...e.metadata, 'seam-budget-ms': '600000' } }),
      'bad-signature',
    ],
    [
      'another caller named',
      (e: ReturnType<typeof signed>) => ({ ...e, metadata: { ...e.metadata, 'seam-caller': 'catalog' } }),
      'bad-signature',
    ],
    [
      'no credentials',
      (e: ReturnType<typeof signed>) => ({ ...e, metadata: { ...e.metadata, [AUTH_METADATA_KEY]: '' } }),
      'missing',
    ],
    [
      'garbage credentials',
      (e: ReturnType<typeof signed>) => ({ ...e, metadata: { ...e.metadata, [AUTH_METADATA_KEY]: 'v1:x\n:1' } }),
      'malformed',
    ],
  ])('refuses %s', (_what, tamper, reason) => {
    const envelope = signed(authOf('orders'), 'orders', ['payments'], 'payments.refund-payment', { paymentId: 'p1' });
    expect(refusal(() => authOf('payments').verify(tamper(envelope), toPayments))).toBe(reason);
  });

  it('keeps a module from speaking as another: payments cannot sign as orders for identity', () => {
    const payments = authOf('payments');
    expect(
      refusal(() => payments.sign('orders', ['identity'], { pattern: 'identity.grant-roles', data: {}, metadata: {} })),
    ).toBe('no-key');
    // Signing with its own key for identity while naming orders as the caller does not verify.
    const forged = signed(payments, 'payments', ['identity'], 'identity.grant-roles', { userId: 'u' });
    forged.metadata['seam-caller'] = 'orders';
    expect(refusal(() => authOf('identity').verify(forged, (m) => m === 'identity'))).toBe('bad-signature');
  });

  it('refuses an envelope not addressed to a module of this process', () => {
    const envelope = signed(authOf('orders'), 'orders', ['catalog'], 'payments.refund-payment', {});
    expect(refusal(() => authOf('payments').verify(envelope, toPayments))).toBe('not-addressed');
  });

  it('refuses an envelope older or newer than the clock skew', () => {
    let now = 1_800_000_000_000;
    const clock = () => now;
    const envelope = signed(authOf('orders', ['k1'], clock), 'orders', ['payments'], 'payments.x', {});
    now += 31_000;
    expect(refusal(() => authOf('payments', ['k1'], clock).verify(envelope, toPayments))).toBe('stale');
    now -= 62_000;
    expect(refusal(() => authOf('payments', ['k1'], clock).verify(envelope, toPayments))).toBe('stale');
    now += 31_000;
    expect(authOf('payments', ['k1'], clock).verify(envelope, toPayments).from).toBe('orders');
  });

  it('rotates: a receiver holding both key ids accepts both; once the old one is removed it is refused', () => {
    const old = signed(authOf('orders', ['k1']), 'orders', ['payments'], 'payments.x', {});
    const fresh = signed(authOf('orders', ['k2', 'k1']), 'orders', ['payments'], 'payments.x', {});
    const during = authOf('payments', ['k2', 'k1']);
    expect(during.verify(old, toPayments).kid).toBe('k1');
    expect(during.verify(fresh, toPayments).kid).toBe('k2');
    const replayedOld = signed(authOf('orders', ['k1']), 'orders', ['payments'], 'payments.x', {});
    expect(refusal(() => authOf('payments', ['k2']).verify(replayedOld, toPayments))).toBe('unknown-key');
  });

  it('signs an event for every recipient; each verifies its own signature', () => {
    const orders = authOf('orders');
    const event = signed(orders, 'orders', orders.keys.peersOf('orders'), 'orders.order-placed', { orderId: 'o1' });
    expect(authOf('payments').verify(event, toPayments).to).toBe('payments');
    expect(authOf('catalog').verify(event, (m) => m === 'catalog').to).toBe('catalog');
  });

  it('binds a reply to its request and to its content', () => {
    const orders = authOf('orders');
    const payments = authOf('payments');
    const envelope = signed(orders, 'orders', ['payments'], 'payments.x', { n: 1 });
    const verified = payments.verify(envelope, toPayments);
    const auth = payments.signReply(verified, undefined, { ok: true });
    expect(orders.verifyReply(envelope.request, auth, undefined, { ok: true })).toBe(true);
    expect(orders.verifyReply(envelope.request, auth, undefined, { ok: false })).toBe(false);
    const other = signed(orders, 'orders', ['payments'], 'payments.x', { n: 1 });
    expect(orders.verifyReply(other.request, auth, undefined, { ok: true })).toBe(false);
    expect(orders.verifyReply(envelope.request, 'x'.repeat(43), undefined, { ok: true })).toBe(false);
  });

  it('takes an unsigned reply only as the refusal or unavailability it says it is', () => {
    const orders = authOf('orders');
    const envelope = signed(orders, 'orders', ['payments'], 'payments.x', {});
    const before = authRejections.count('unsigned-reply');
    expect(orders.verifyReply(envelope.request, undefined, { code: 'UNAUTHENTICATED' }, undefined)).toBe(true);
    expect(orders.verifyReply(envelope.request, undefined, { code: 'UNAVAILABLE' }, undefined)).toBe(true);
    expect(orders.verifyReply(envelope.request, undefined, undefined, { ok: true })).toBe(false);
    expect(orders.verifyReply(envelope.request, undefined, { code: 'NOT_FOUND' }, undefined)).toBe(false);
    expect(authRejections.count('unsigned-reply')).toBe(before + 2);
  });
});
