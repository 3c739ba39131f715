import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { deriveMeshKeys } from './derive-mesh-keys.js';
import { MeshKeys, MeshKeysError, pairName } from './mesh-keys.js';

const master = Buffer.alloc(32, 7);
const identities = ['catalog', 'edge', 'identity', 'orders', 'payments'];

describe('deriveMeshKeys', () => {
  it('gives a process the keys of its own pairs only', () => {
    const payments = MeshKeys.from(deriveMeshKeys({ master, keyIds: ['k1'], self: ['payments'], identities }));
    expect(payments.peersOf('payments')).toEqual(['catalog', 'edge', 'identity', 'orders']);
    expect(payments.key('k1', 'payments', 'orders')).toBeDefined();
    expect(payments.key('k1', 'orders', 'identity')).toBeUndefined();
    expect(payments.key('k1', 'edge', 'identity')).toBeUndefined();
  });

  it('derives the same key for a pair on both sides, and different keys per pair and per key id', () => {
    const orders = MeshKeys.from(deriveMeshKeys({ master, keyIds: ['k1', 'k2'], self: ['orders'], identities }));
    const payments = MeshKeys.from(deriveMeshKeys({ master, keyIds: ['k1', 'k2'], self: ['payments'], identities }));
    expect(orders.key('k1', 'orders', 'payments')!.equals(payments.key('k1', 'payments', 'orders')!)).toBe(true);
    expect(orders.key('k1', 'orders', 'payments')!.equals(orders.key('k2', 'orders', 'payments')!)).toBe(false);
    expect(orders.key('k1', 'orders', 'payments')!.equals(orders.key('k1', 'orders', 'catalog')!)).toBe(false);
    expect(orders.current).toBe('k1');
    expect(orders.keyIds).toEqual(['k1', 'k2']);
  });

  it('leaves out pairs inside one process (they call each other in process)', () => {
    const monolith = MeshKeys.from(
      deriveMeshKeys({ master, keyIds: ['k1'], self: ['catalog', 'orders', 'edge'], identities }),
    );
    expect(monolith.key('k1', 'orders', 'catalog')).toBeUndefined();
    expect(monolith.key('k1', 'edge', 'payments')).toBeDefined();
  });

  it('refuses a short master', () => {
    expect(() => deriveMeshKeys({ master: Buffer.alloc(16), keyIds: ['k1'], self: ['a'], identities })).toThrow(
      MeshKeysError,
    );
  });
});

describe('MeshKeys', () => {
  const secret = randomBytes(32).toString('base64url');

  it.each([
    ['not an object', '"keys"'],
    ['no current', { keys: { k1: { 'a~b': secret } } }],
    ['current without keys', { current: 'k2', keys: { k1: { 'a~b': secret } } }],
    ['bad key id', { current: 'k 1', keys: { 'k 1': { 'a~b': secret } } }],
    ['pair of one', { current: 'k1', keys: { k1: { a: secret } } }],
    ['pair with itself', { current: 'k1', keys: { k1: { 'a~a': secret } } }],
    ['hostile pair name', { current: 'k1', keys: { k1: { '__proto__~b': secret } } }],
    ['short secret', { current: 'k1', keys: { k1: { 'a~b': randomBytes(16).toString('base64url') } } }],
    ['secret not base64url', { current: 'k1', keys: { k1: { 'a~b': `${secret}!` } } }],
    ['too many key ids', { current: 'a', keys: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, {}])) }],
  ])('refuses %s, naming no secret', (_what, document) => {
    let error: unknown;
    try {
      MeshKeys.parse(JSON.stringify(document));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MeshKeysError);
    expect((error as Error).message).not.toContain(secret);
  });

  it('refuses text that is not JSON without quoting it', () => {
    expect(() => MeshKeys.parse(`{"current": "${secret}`)).toThrow(/^mesh keys is not valid JSON$/);
  });

  it('names a pair by its sorted modules', () => {
    expect(pairName('payments', 'orders')).toBe('orders~payments');
    expect(pairName('orders', 'payments')).toBe('orders~payments');
  });
});
