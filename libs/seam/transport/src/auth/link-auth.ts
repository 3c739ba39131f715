import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import { randomHex } from '../context/random-ids.js';
import { UnauthenticatedError } from '../errors/seam-error.js';
import { authRejections } from './auth-rejections.js';
import { KEY_ID, MODULE_NAME, type MeshKeys } from './mesh-keys.js';

/** The key of the frames that authenticate a TCP link (see {@link proveLink}). */
export const LINK_FRAME_KEY = 'seam-link';

/** The server's first frame: a fresh challenge and the modules it hosts. */
export interface LinkChallenge {
  v: 1;
  challenge: string;
  modules: string[];
}

/** The client's answer: one proof per pair (`from>to`) it shares a key with, under one key id. */
export interface LinkProof {
  v: 1;
  kid: string;
  nonce: string;
  proofs: Record<string, string>;
}

/** The server's acceptance: its own proof for every pair it accepted. */
export interface LinkAccept {
  v: 1;
  proofs: Record<string, string>;
}

/** At most this many pairs in one proof: a process speaks for a handful of modules. */
export const MAX_LINK_PAIRS = 64;
const NONCE = /^[0-9a-f]{32}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

/**
 * The pairs (caller → callee) a TCP connection has proven. Every frame on it is from the proving
 * process: a request or event is admitted when its caller and target module form one of them.
 */
export class AuthenticatedLink {
  constructor(readonly pairs: ReadonlySet<string>) {}

  /** Whether `from` may speak to `to` on this link. */
  admits(from: string | undefined, to: string): boolean {
    return from !== undefined && this.pairs.has(`${from}>${to}`);
  }
}

/** A fresh challenge for a new connection to a server hosting `modules`. */
export function newChallenge(modules: Iterable<string>): LinkChallenge {
  return { v: 1, challenge: randomHex(16), modules: [...modules].toSorted() };
}

/**
 * The client's side of a link handshake: proves, for every module the server hosts that this
 * process routes to it (`routedHere`), each pair this process holds a current key for, bound to
 * the server's challenge, a nonce of its own and — over TLS — the TLS session (`binding`, RFC 5705
 * exported keying material), so a proof cannot be replayed on another connection nor relayed
 * through another TLS session. Returns the proof to send and the check of the server's answer,
 * which proves the server holds the same keys.
 *
 * `routedHere` is what makes a proof useless elsewhere on plain TCP: the challenge names what the
 * server says it hosts, and a peer this process dials for one module could otherwise pass on
 * another server's challenge (say orders') and relay the proof back to that server, speaking on
 * it as this process. Proving only for the modules the topology places at the dialled address
 * leaves such a peer nothing to relay. Leave this process's own modules out of it: it calls them
 * in process, and keys naming them are its peers', not its own voice.
 *
 * @returns `undefined` when the challenge does not parse or no pair is shared: there is nothing to prove
 */
export function proveLink(
  keys: MeshKeys,
  challenge: unknown,
  binding: string,
  routedHere: ReadonlySet<string>,
): { proof: LinkProof; check: (accept: unknown) => AuthenticatedLink | undefined } | undefined {
  if (!isChallenge(challenge)) return undefined;
  const kid = keys.current;
  const nonce = randomHex(16);
  const proofs: Record<string, string> = {};
  const pairs: Array<[string, string, KeyObject]> = [];
  for (const to of challenge.modules) {
    if (!routedHere.has(to)) continue;
    for (const from of keys.peersOf(to)) {
      const key = keys.key(kid, from, to)!;
      pairs.push([from, to, key]);
      proofs[`${from}>${to}`] = linkMac(key, 'client', from, to, kid, challenge.challenge, nonce, binding);
    }
  }
  if (pairs.length === 0 || pairs.length > MAX_LINK_PAIRS) return undefined;
  const check = (accept: unknown): AuthenticatedLink | undefined => {
    const answers = isProofMap((accept as LinkAccept | undefined)?.proofs);
    if (!answers) return undefined;
    const accepted = new Set<string>();
    for (const [from, to, key] of pairs) {
      const answer = answers[`${from}>${to}`];
      if (answer === undefined) continue;
      const expected = linkMac(key, 'server', from, to, kid, challenge.challenge, nonce, binding);
      if (!sameMac(expected, answer)) return undefined;
      accepted.add(`${from}>${to}`);
    }
    return accepted.size > 0 ? new AuthenticatedLink(accepted) : undefined;
  };
  return { proof: { v: 1, kid, nonce, proofs }, check };
}

/**
 * The server's side: checks the client's proof against the challenge it sent. Pairs whose target
 * this server does not host, or whose key it does not hold, are left out; one wrong proof refuses
 * the whole link (someone is guessing).
 *
 * @returns the link and the answer to send, or `undefined` when nothing valid was proven
 */
export function acceptLink(
  keys: MeshKeys,
  hosted: ReadonlySet<string>,
  challenge: string,
  proof: unknown,
  binding: string,
): { link: AuthenticatedLink; accept: LinkAccept } | undefined {
  const candidate = proof as Partial<LinkProof> | undefined;
  const proofs = isProofMap(candidate?.proofs);
  const { kid, nonce } = candidate ?? {};
  if (!proofs || typeof kid !== 'string' || !KEY_ID.test(kid) || typeof nonce !== 'string' || !NONCE.test(nonce))
    return undefined;
  const pairs = new Set<string>();
  const answers: Record<string, string> = {};
  for (const [pair, mac] of Object.entries(proofs)) {
    const [from, to, extra] = pair.split('>');
    if (extra !== undefined || !from || !to || !MODULE_NAME.test(from) || !hosted.has(to)) continue;
    const key = keys.key(kid, from, to);
    if (!key) continue;
    if (!sameMac(linkMac(key, 'client', from, to, kid, challenge, nonce, binding), mac)) return undefined;
    pairs.add(pair);
    answers[pair] = linkMac(key, 'server', from, to, kid, challenge, nonce, binding);
  }
  return pairs.size > 0 ? { link: new AuthenticatedLink(pairs), accept: { v: 1, proofs: answers } } : undefined;
}

function linkMac(
  key: KeyObject,
  side: 'client' | 'server',
  from: string,
  to: string,
  kid: string,
  challenge: string,
  nonce: string,
  binding: string,
): string {
  return createHmac('sha256', key)
    .update(`seam-link-v1\n${side}\n${from}\n${to}\n${kid}\n${challenge}\n${nonce}\n${binding}`)
    .digest('base64url');
}

function sameMac(expected: string, given: unknown): boolean {
  return typeof given === 'string' && MAC.test(given) && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

function isChallenge(value: unknown): value is LinkChallenge {
  const candidate = value as Partial<LinkChallenge> | undefined;
  return (
    typeof candidate?.challenge === 'string' &&
    NONCE.test(candidate.challenge) &&
    Array.isArray(candidate.modules) &&
    candidate.modules.length <= MAX_LINK_PAIRS &&
    candidate.modules.every((module) => typeof module === 'string' && MODULE_NAME.test(module))
  );
}

function isProofMap(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.keys(value).length <= MAX_LINK_PAIRS ? (value as Record<string, unknown>) : undefined;
}

/**
 * The refusal of an unsigned envelope whose caller → module pair its link has not proven
 * (counted as `not-linked`).
 */
export function refuseUnlinked(pattern: string, caller: string | undefined): UnauthenticatedError {
  const who = caller !== undefined && MODULE_NAME.test(caller) ? caller : 'unknown';
  const what = pattern.length > 100 ? `${pattern.slice(0, 100)}…` : pattern;
  authRejections.record('not-linked', who, what);
  return new UnauthenticatedError(`Envelope of "${what}" from "${who}" refused: not-linked`, { reason: 'not-linked' });
}
