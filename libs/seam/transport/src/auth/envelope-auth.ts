import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import { randomHex } from '../context/random-ids.js';
import { UnauthenticatedError } from '../errors/seam-error.js';
import type { MeshKeys } from './mesh-keys.js';
import { ReplayGuard } from './replay-guard.js';
import { type AuthRejectionReason, authRejections } from './auth-rejections.js';

/** The metadata field carrying an envelope's credentials (see {@link EnvelopeAuth}). */
export const AUTH_METADATA_KEY = 'seam-auth';

/**
 * The metadata field by which a Seam client asks for signed replies. Only then does a server add
 * the `auth` field to a reply: Nest's own clients take a reply with a key they do not know for a
 * foreign payload. The client does not rely on it: it refuses an unsigned answer either way.
 */
export const REPLY_AUTH_METADATA_KEY = 'seam-reply-auth';

/** How far an envelope's timestamp may be from the receiver's clock (default 30 s). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;

/** Options of {@link EnvelopeAuth}. */
export interface EnvelopeAuthOptions {
  keys: MeshKeys;
  /** Accepted distance between an envelope's timestamp and this clock (default {@link DEFAULT_MAX_CLOCK_SKEW_MS}). */
  maxClockSkewMs?: number;
  /** The wall clock (tests). */
  now?: () => number;
}

/** Fields of a request or event the signature covers, besides the payload. */
export interface SignedFields {
  pattern: string;
  data: unknown;
  metadata: Readonly<Record<string, string | undefined>>;
}

/** What a sender keeps of a signed request to check the reply's signature. */
export interface SignedRequest {
  readonly from: string;
  readonly to: string;
  readonly kid: string;
  readonly nonce: string;
  readonly key: KeyObject;
}

/** A verified envelope: who sent it, to whom, and what the reply must be bound to. */
export type VerifiedEnvelope = SignedRequest;

const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const HEADER = /^v1:([A-Za-z0-9._-]{1,32}):(\d{13}):([0-9a-f]{16})-([0-9a-z]{1,10}):([A-Za-z0-9=,_-]{1,4096})$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

/**
 * Authenticates envelopes between modules with HMAC-SHA-256 (node:crypto) under the key the two
 * modules share ({@link MeshKeys}). A signature covers the sender, the recipient, the key id, a
 * timestamp, a nonce, the pattern, the budget, the trace context and the JSON of the payload; a
 * reply's signature covers the request's nonce and the reply itself, so it cannot answer another
 * call. Events and heartbeats carry one signature per recipient module.
 *
 * Symmetric on purpose: a signature and a check cost about a microsecond each, where Ed25519
 * would cost ~50–150 µs per call and cap a service far below Nest's own transports; pairwise keys
 * give what asymmetric keys would (no module can speak as another), because each process holds
 * only the keys of the pairs it belongs to.
 *
 * One instance per process and identity set: it owns the nonce session and the replay guard.
 */
export class EnvelopeAuth {
  private readonly session = randomHex(8);
  private sequence = 0;
  private readonly maxSkewMs: number;
  private readonly now: () => number;
  private readonly guard: ReplayGuard;
  readonly keys: MeshKeys;

  constructor(options: EnvelopeAuthOptions) {
    this.keys = options.keys;
    this.maxSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    this.now = options.now ?? Date.now;
    // Kept a little longer than an envelope stays fresh, so a session forgotten is one whose
    // envelopes are all stale.
    this.guard = new ReplayGuard(3 * this.maxSkewMs, this.now);
  }

  /**
   * Signs a request (or an event) from `from` for each of `recipients`, returning the
   * `seam-auth` metadata value and, for the first recipient, what the reply check needs.
   *
   * @throws UnauthenticatedError (reason `no-key`) when this process holds no key for a pair:
   *   the keys given to it do not match the topology.
   */
  sign(from: string, recipients: readonly string[], fields: SignedFields): { header: string; request: SignedRequest } {
    const kid = this.keys.current;
    const ts = String(this.now());
    const nonce = `${this.session}-${(this.sequence++).toString(36)}`;
    const body = envelopeBody(kid, ts, nonce, fields);
    let macs = '';
    let request: SignedRequest | undefined;
    for (const to of recipients) {
      const key = this.keys.key(kid, from, to);
      if (!key)
        throw new UnauthenticatedError(`This process holds no mesh key for "${from}" → "${to}" (key id ${kid})`, {
          reason: 'no-key',
        });
      macs += `${macs === '' ? '' : ','}${to}=${digest(key, from, to, body).toString('base64url')}`;
      request ??= { from, to, kid, nonce, key };
    }
    if (!request) throw new UnauthenticatedError(`No recipient to sign "${fields.pattern}" for`, { reason: 'no-key' });
    return { header: `v1:${kid}:${ts}:${nonce}:${macs}`, request };
  }

  /**
   * Checks the envelope of a request or event that arrived over a wire, addressed to one of the
   * modules `isRecipient` admits, and records its nonce (unless `replay: false`: for messages
   * whose copies are harmless and that one process may check more than once, i.e. heartbeats).
   *
   * @throws UnauthenticatedError with `details.reason` (counted in `authRejections`).
   */
  verify(
    fields: SignedFields,
    isRecipient: (module: string) => boolean,
    { replay = true }: { replay?: boolean } = {},
  ): VerifiedEnvelope {
    const header = fields.metadata[AUTH_METADATA_KEY];
    const from = fields.metadata['seam-caller'];
    if (typeof header !== 'string' || header === '') throw refuse('missing', fields.pattern, from);
    const parts = HEADER.exec(header);
    if (!parts || typeof from !== 'string' || !MODULE_NAME.test(from)) throw refuse('malformed', fields.pattern, from);
    const [, kid, ts, session, sequence, macs] = parts as unknown as [string, string, string, string, string, string];
    const addressed = findRecipient(macs, isRecipient);
    if (!addressed) throw refuse('not-addressed', fields.pattern, from);
    const key = this.keys.key(kid, from, addressed.to);
    if (!key) throw refuse('unknown-key', fields.pattern, from);
    const expected = digest(key, from, addressed.to, envelopeBody(kid, ts, `${session}-${sequence}`, fields));
    if (!MAC.test(addressed.mac) || !timingSafeEqual(expected, Buffer.from(addressed.mac, 'base64url')))
      throw refuse('bad-signature', fields.pattern, from);
    if (Math.abs(this.now() - Number(ts)) > this.maxSkewMs) throw refuse('stale', fields.pattern, from);
    if (replay && !this.guard.accept(`${from}>${addressed.to}`, session, Number.parseInt(sequence, 36)))
      throw refuse('replay', fields.pattern, from);
    return { from, to: addressed.to, kid, nonce: `${session}-${sequence}`, key };
  }

  /** The signature of a reply to `request` (the value of the reply packet's `auth` field). */
  signReply(request: VerifiedEnvelope, err: unknown, response: unknown): string {
    return replyDigest(request.key, request, err, response).toString('base64url');
  }

  /**
   * Whether `auth` is the callee's signature of this reply to `request`. An unsigned reply is
   * accepted only when it is an error a callee sends before it can know the caller
   * (UNAUTHENTICATED: our envelope was refused; UNAVAILABLE: it is shutting down): a forged one
   * can only fail the call, which anyone on the path can do anyway.
   */
  verifyReply(request: SignedRequest, auth: unknown, err: unknown, response: unknown): boolean {
    if (auth === undefined || auth === null) {
      const code = (err as { code?: unknown } | undefined)?.code;
      if (code === 'UNAUTHENTICATED' || code === 'UNAVAILABLE') return true;
      authRejections.record('unsigned-reply', request.to, request.from);
      return false;
    }
    if (typeof auth !== 'string' || !MAC.test(auth)) {
      authRejections.record('bad-reply-signature', request.to, request.from);
      return false;
    }
    const ok = timingSafeEqual(replyDigest(request.key, request, err, response), Buffer.from(auth, 'base64url'));
    if (!ok) authRejections.record('bad-reply-signature', request.to, request.from);
    return ok;
  }

  /** Sessions the replay guard remembers (for metrics). */
  get rememberedSessions(): number {
    return this.guard.size;
  }
}

/** The signed text shared by every recipient of one envelope. */
function envelopeBody(kid: string, ts: string, nonce: string, { pattern, data, metadata }: SignedFields): string {
  const json = data === undefined ? '' : JSON.stringify(data);
  return `${kid}\n${ts}\n${nonce}\n${pattern}\n${metadata['seam-budget-ms'] ?? ''}\n${metadata.traceparent ?? ''}\n${json}`;
}

function digest(key: KeyObject, from: string, to: string, body: string): Buffer {
  return createHmac('sha256', key).update(`seam-v1\n${from}\n${to}\n`).update(body).digest();
}

function replyDigest(key: KeyObject, request: SignedRequest, err: unknown, response: unknown): Buffer {
  const error = err === undefined || err === null ? '' : JSON.stringify(err);
  const body = response === undefined ? '' : JSON.stringify(response);
  return createHmac('sha256', key)
    .update(`seam-v1-reply\n${request.to}\n${request.from}\n${request.kid}\n${request.nonce}\n`)
    .update(`${error}\n${body}`)
    .digest();
}

function findRecipient(
  macs: string,
  isRecipient: (module: string) => boolean,
): { to: string; mac: string } | undefined {
  for (const entry of macs.split(',', 64)) {
    const equals = entry.indexOf('=');
    const to = entry.slice(0, equals);
    if (equals > 0 && MODULE_NAME.test(to) && isRecipient(to)) return { to, mac: entry.slice(equals + 1) };
  }
  return undefined;
}

function refuse(reason: AuthRejectionReason, pattern: string, from: unknown): UnauthenticatedError {
  const caller = typeof from === 'string' && MODULE_NAME.test(from) ? from : 'unknown';
  const what = pattern.length > 100 ? `${pattern.slice(0, 100)}…` : pattern;
  authRejections.record(reason, caller, what);
  return new UnauthenticatedError(`Envelope of "${what}" from "${caller}" refused: ${reason}`, { reason });
}
