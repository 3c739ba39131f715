import { createSecretKey, type KeyObject } from 'node:crypto';
/**
 * The keys a process holds to authenticate envelopes with the other modules: one secret per
 * *pair* of modules (`orders~payments`), per key id. Pairwise on purpose: payments holds the key it
 * shares with orders, never the one orders shares with identity, so a compromised payments cannot
 * speak as orders to anyone (see docs/security.md, "Envelope authentication").
 *
 * The document, as the deploy tooling writes it (`npm run mesh:keys`) into `SEAM_MESH_KEYS` or
 * the file named by `SEAM_MESH_KEYS_FILE`:
 *
 * ```json
 * { "current": "2026-12", "keys": { "2026-12": { "orders~payments": "<base64url, 32 bytes>" } } }
 * ```
 *
 * During a rotation the document holds two key ids: every key id is accepted, only `current`
 * signs.
 */
export interface MeshKeysDocument {
  /** The key id new envelopes are signed with. */
  current: string;
  /** Key id → pair (`a~b`, names sorted) → secret, base64url. */
  keys: Record<string, Record<string, string>>;
}

/** A mesh keys document (or its source) is unusable; the message names what is wrong, never a key. */
export class MeshKeysError extends Error {
  override readonly name = 'MeshKeysError';
}

/** @internal A key id: what the document and the derivation accept. */
export const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
/** @internal A module (or caller) name. */
export const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** HMAC-SHA-256 keys shorter than the hash add no strength and hint at a hand-typed secret. */
export const MIN_MESH_KEY_BYTES = 32;
const MAX_KEY_IDS = 4;
const MAX_PAIRS = 1024;

/** The pair name of two modules: both names, sorted, joined by `~`. */
export function pairName(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

/** Parsed, validated mesh keys: what the signer and the verifier look keys up in. */
export class MeshKeys {
  private constructor(
    /** The key id new envelopes are signed with. */
    readonly current: string,
    private readonly byKid: ReadonlyMap<string, ReadonlyMap<string, KeyObject>>,
  ) {}

  /**
   * Validates a document (parsed JSON, from configuration: untrusted shape).
   *
   * @throws MeshKeysError naming the first problem (never printing a key).
   */
  static from(document: unknown): MeshKeys {
    if (typeof document !== 'object' || document === null || Array.isArray(document))
      throw new MeshKeysError('mesh keys must be a JSON object { "current": …, "keys": { … } }');
    const { current, keys } = document as Partial<MeshKeysDocument>;
    if (typeof current !== 'string' || !KEY_ID.test(current))
      throw new MeshKeysError('mesh keys "current" must be a key id of 1 to 32 letters, digits, ".", "_" or "-"');
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys))
      throw new MeshKeysError('mesh keys "keys" must be an object: key id → { "a~b": secret }');
    const kids = Object.keys(keys);
    if (kids.length > MAX_KEY_IDS)
      throw new MeshKeysError(`mesh keys hold ${kids.length} key ids (at most ${MAX_KEY_IDS})`);
    const byKid = new Map<string, Map<string, KeyObject>>();
    for (const kid of kids) {
      if (!KEY_ID.test(kid)) throw new MeshKeysError(`mesh key id ${JSON.stringify(kid.slice(0, 40))} is not valid`);
      byKid.set(kid, readPairs(kid, (keys as Record<string, unknown>)[kid]));
    }
    if (!byKid.has(current)) throw new MeshKeysError(`mesh keys have no keys for the current key id "${current}"`);
    return new MeshKeys(current, byKid);
  }

  /**
   * Parses the JSON text of a document.
   *
   * @throws MeshKeysError when it is not JSON or not a valid document.
   */
  static parse(text: string, source = 'mesh keys'): MeshKeys {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      // The parser's message may quote the text, i.e. a key: say only where it failed.
      throw new MeshKeysError(`${source} is not valid JSON`);
    }
    try {
      return MeshKeys.from(document);
    } catch (error) {
      throw new MeshKeysError(`${source}: ${(error as Error).message}`);
    }
  }

  /** The secret `a` and `b` share under `kid`, or `undefined` when this process holds none. */
  key(kid: string, a: string, b: string): KeyObject | undefined {
    return this.byKid.get(kid)?.get(pairName(a, b));
  }

  /** Whether this process holds a key (of any key id) for the pair of `a` and `b`. */
  holdsPair(a: string, b: string): boolean {
    const pair = pairName(a, b);
    for (const pairs of this.byKid.values()) if (pairs.has(pair)) return true;
    return false;
  }

  /** The modules `self` shares a current key with, sorted (the recipients of its events and heartbeats). */
  peersOf(self: string): string[] {
    const peers: string[] = [];
    for (const pair of this.byKid.get(this.current)!.keys()) {
      const [a, b] = pair.split('~') as [string, string];
      if (a === self) peers.push(b);
      else if (b === self) peers.push(a);
    }
    return peers.toSorted();
  }

  /** Every key id held (the current one first). */
  get keyIds(): string[] {
    return [this.current, ...[...this.byKid.keys()].filter((kid) => kid !== this.current)];
  }
}

function readPairs(kid: string, pairs: unknown): Map<string, KeyObject> {
  if (typeof pairs !== 'object' || pairs === null || Array.isArray(pairs))
    throw new MeshKeysError(`mesh keys "${kid}" must be an object of "a~b": secret`);
  const entries = Object.entries(pairs);
  if (entries.length > MAX_PAIRS) throw new MeshKeysError(`mesh keys "${kid}" hold more than ${MAX_PAIRS} pairs`);
  const byPair = new Map<string, KeyObject>();
  for (const [pair, secret] of entries) {
    const names = pair.split('~');
    if (names.length !== 2 || !names.every((name) => MODULE_NAME.test(name)) || names[0] === names[1])
      throw new MeshKeysError(
        `mesh keys "${kid}": ${JSON.stringify(pair.slice(0, 80))} is not a pair "a~b" of two module names`,
      );
    const key =
      typeof secret === 'string' && /^[A-Za-z0-9_-]+$/.test(secret) ? Buffer.from(secret, 'base64url') : undefined;
    if (!key || key.length < MIN_MESH_KEY_BYTES)
      throw new MeshKeysError(
        `mesh keys "${kid}" "${pair}": the secret must be base64url of at least ${MIN_MESH_KEY_BYTES} bytes`,
      );
    // A KeyObject, not the bytes: HMACs under it skip preparing the key on every call.
    byPair.set(pairName(names[0]!, names[1]!), createSecretKey(key));
  }
  return byPair;
}
