import { describe, expect, it } from '@jest/globals';
import { UnauthenticatedError } from '../errors/seam-error.js';
import { authRejections } from './auth-rejections.js';
import { deriveMeshKeys } from './derive-mesh-keys.js';
import { acceptLink, newChallenge, proveLink, refuseUnlinked } from './link-auth.js';
import { MeshKeys } from './mesh-keys.js';

const master = Buffer.alloc(32, 7);
const identities = ['catalog', 'edge', 'orders', 'payments'];
const keysOf = (self: string[], keyIds = ['k1'], secret = master) =>
  MeshKeys.from(deriveMeshKeys({ master: secret, keyIds, self, identities }));
const payments = keysOf(['payments']);
const hosted = new Set(['payments']);

/** A handshake from a process speaking as `self`, against payments; `binding` on each side. */
function handshake(self: string[], clientBinding = '', serverBinding = clientBinding, clientKeys = keysOf(self)) {
  const challenge = newChallenge(hosted);
  const answer = proveLink(clientKeys, challenge, clientBinding, hosted);
  const accepted = answer && acceptLink(payments, hosted, challenge.challenge, answer.proof, serverBinding);
  return { challenge, answer, accepted, link: accepted && answer.check(accepted.accept) };
}

describe('TCP link authentication', () => {
  it('proves every pair the client holds with the hosted modules, and each side checks the other', () => {
    const { accepted, link } = handshake(['orders', 'catalog']);
    expect([...accepted!.link.pairs].toSorted()).toEqual(['catalog>payments', 'orders>payments']);
    expect([...link!.pairs].toSorted()).toEqual(['catalog>payments', 'orders>payments']);
    expect(link!.admits('orders', 'payments')).toBe(true);
    expect(link!.admits('edge', 'payments')).toBe(false);
    expect(link!.admits(undefined, 'payments')).toBe(false);
  });

  it('refuses a proof made with other keys, and a client refuses a server without the keys', () => {
    expect(handshake(['orders'], '', '', keysOf(['orders'], ['k1'], Buffer.alloc(32, 8))).accepted).toBeUndefined();
    const challenge = newChallenge(hosted);
    const answer = proveLink(keysOf(['orders']), challenge, '', hosted)!;
    const impostor = acceptLink(
      keysOf(['payments'], ['k1'], Buffer.alloc(32, 9)),
      hosted,
      challenge.challenge,
      answer.proof,
      '',
    );
    expect(impostor).toBeUndefined();
    const forgedAnswer = { v: 1, proofs: { 'orders>payments': 'A'.repeat(43) } };
    expect(answer.check(forgedAnswer)).toBeUndefined();
  });

  it('links through every step of a key rotation, old and new documents side by side, never across two steps', () => {
    // The documents of docs/security.md's three steps: k1; k1 and k2 (k1 signs); k2 and k1 (k2
    // signs); k2. During a roll-out a process of one step meets processes of the step before.
    const steps = [['k1'], ['k1', 'k2'], ['k2', 'k1'], ['k2']];
    const links = (client: string[], server: string[]) => {
      const challenge = newChallenge(hosted);
      const answer = proveLink(keysOf(['orders'], client), challenge, '', hosted);
      const accepted =
        answer && acceptLink(keysOf(['payments'], server), hosted, challenge.challenge, answer.proof, '');
      return accepted !== undefined && answer!.check(accepted.accept)?.admits('orders', 'payments') === true;
    };
    for (let step = 1; step < steps.length; step++) {
      const [before, after] = [steps[step - 1]!, steps[step]!];
      expect({ before, after, links: [links(before, after), links(after, before)] }).toEqual({
        before,
        after,
        links: [true, true],
      });
    }
    // The old key alone against the new key alone: the rotation is over, k1 is refused.
    expect([links(['k1'], ['k2']), links(['k2'], ['k1'])]).toEqual([false, false]);
  });

  it('binds a proof to its challenge and to the TLS session', () => {
    const { answer } = handshake(['orders']);
    // The same proof against a new connection's challenge: a replay.
    expect(acceptLink(payments, hosted, newChallenge(hosted).challenge, answer!.proof, '')).toBeUndefined();
    // Relayed through another TLS session: the exported keying material differs.
    expect(handshake(['orders'], 'aa'.repeat(32), 'bb'.repeat(32)).accepted).toBeUndefined();
    expect(handshake(['orders'], 'aa'.repeat(32)).link).toBeDefined();
  });

  it('leaves out pairs for modules the server does not host, and proves nothing without a shared key', () => {
    const challenge = newChallenge(hosted);
    const answer = proveLink(keysOf(['orders']), challenge, '', hosted)!;
    const elsewhere = acceptLink(
      keysOf(['payments', 'catalog']),
      new Set(['catalog']),
      challenge.challenge,
      answer.proof,
      '',
    );
    expect(elsewhere).toBeUndefined();
    const strangers = MeshKeys.from({ current: 'k1', keys: { k1: { 'catalog~edge': 'x'.repeat(43) } } });
    expect(proveLink(strangers, challenge, '', hosted)).toBeUndefined();
  });

  it('proves only for the modules placed at the dialled address: a challenge passed on from another server gets nothing', () => {
    // An orders process dialling payments, handed the challenge of an orders server (its peers'
    // keys name orders too): proving them would let the peer relay the proof back as catalog's or edge's.
    const ordersServer = new Set(['orders']);
    const relayed = newChallenge(ordersServer);
    expect(proveLink(keysOf(['orders']), relayed, '', hosted)).toBeUndefined();
    // The edge dialling payments, handed a challenge listing orders as well: only edge>payments.
    const mixed = newChallenge(['orders', 'payments']);
    const answer = proveLink(keysOf(['edge']), mixed, '', hosted)!;
    expect(Object.keys(answer.proof.proofs)).toEqual(['edge>payments']);
    expect(acceptLink(keysOf(['orders']), ordersServer, mixed.challenge, answer.proof, '')).toBeUndefined();
  });

  it.each([
    ['not an object', 'proof'],
    ['no proofs', { v: 1, kid: 'k1', nonce: 'a'.repeat(32) }],
    ['proofs as a list', { v: 1, kid: 'k1', nonce: 'a'.repeat(32), proofs: ['x'] }],
    ['a bad nonce', { v: 1, kid: 'k1', nonce: 'zz', proofs: { 'orders>payments': 'A'.repeat(43) } }],
    ['a bad key id', { v: 1, kid: '../k', nonce: 'a'.repeat(32), proofs: { 'orders>payments': 'A'.repeat(43) } }],
    ['a MAC of the wrong shape', { v: 1, kid: 'k1', nonce: 'a'.repeat(32), proofs: { 'orders>payments': 42 } }],
    ['a pair with three parts', { v: 1, kid: 'k1', nonce: 'a'.repeat(32), proofs: { 'a>b>payments': 'A'.repeat(43) } }],
    [
      'too many pairs',
      {
        v: 1,
        kid: 'k1',
        nonce: 'a'.repeat(32),
        proofs: Object.fromEntries(Array.from({ length: 65 }, (_, n) => [`m${n}>payments`, 'A'.repeat(43)])),
      },
    ],
  ])('refuses a hostile proof: %s', (_case, proof) => {
    expect(acceptLink(payments, hosted, newChallenge(hosted).challenge, proof, '')).toBeUndefined();
  });

  it.each([
    ['no challenge', { modules: ['payments'] }],
    ['a short challenge', { challenge: 'ab', modules: ['payments'] }],
    ['module names that are no module names', { challenge: 'a'.repeat(32), modules: ['../etc'] }],
    ['no list of modules', { challenge: 'a'.repeat(32), modules: 'payments' }],
  ])('a client proves nothing against a hostile challenge: %s', (_case, challenge) => {
    expect(proveLink(keysOf(['orders']), challenge, '', hosted)).toBeUndefined();
  });

  it('counts and types the refusal of an envelope for a pair the link did not prove', () => {
    const before = authRejections.count('not-linked');
    const error = refuseUnlinked('payments.refund-payment', 'edge');
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.details).toEqual({ reason: 'not-linked' });
    expect(authRejections.count('not-linked')).toBe(before + 1);
  });
});
