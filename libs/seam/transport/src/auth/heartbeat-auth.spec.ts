import { describe, expect, it } from '@jest/globals';
import { deriveMeshKeys } from './derive-mesh-keys.js';
import { EnvelopeAuth } from './envelope-auth.js';
import { heartbeatMessage, isAuthenticHeartbeat } from './heartbeat-auth.js';
import { MeshKeys } from './mesh-keys.js';

const master = Buffer.alloc(32, 9);
const identities = ['catalog', 'edge', 'orders', 'payments'];
const authOf = (self: string, now?: () => number) =>
  new EnvelopeAuth({ keys: MeshKeys.from(deriveMeshKeys({ master, keyIds: ['k1'], self: [self], identities })), now });

describe('heartbeat authentication', () => {
  const payments = authOf('payments');
  const up = heartbeatMessage(payments, 'payments', { replica: 'r1', state: 'up' });

  it('lets every module that shares a key with the beating one check its beats, more than once', () => {
    expect(isAuthenticHeartbeat(authOf('orders'), 'payments', up)).toBe(true);
    expect(isAuthenticHeartbeat(authOf('edge'), 'payments', up)).toBe(true);
    const orders = authOf('orders');
    expect(isAuthenticHeartbeat(orders, 'payments', up)).toBe(true);
    expect(isAuthenticHeartbeat(orders, 'payments', up)).toBe(true);
  });

  it.each([
    ['an unsigned beat', JSON.stringify({ replica: 'r1', state: 'down' })],
    ['a signed beat turned into "down"', up.replace('"up"', '"down"')],
    ['a beat for another replica', up.replace('"r1"', '"r2"')],
    ['not JSON', 'down'],
    ['JSON null', 'null'],
  ])('refuses %s', (_what, forged) => {
    expect(isAuthenticHeartbeat(authOf('orders'), 'payments', forged)).toBe(false);
  });

  it("refuses a beat presented as another module's", () => {
    expect(isAuthenticHeartbeat(authOf('orders'), 'catalog', up)).toBe(false);
  });

  it('refuses a beat from outside the clock skew', () => {
    const old = heartbeatMessage(
      authOf('payments', () => Date.now() - 120_000),
      'payments',
      { replica: 'r1', state: 'up' },
    );
    expect(isAuthenticHeartbeat(authOf('orders'), 'payments', old)).toBe(false);
  });

  it('takes every beat when the mesh is not authenticated (development)', () => {
    expect(heartbeatMessage(undefined, 'payments', { replica: 'r1', state: 'up' })).toBe(
      '{"replica":"r1","state":"up"}',
    );
    expect(isAuthenticHeartbeat(undefined, 'payments', 'anything')).toBe(true);
  });
});
