import { hkdfSync } from 'node:crypto';
import {
  KEY_ID,
  MIN_MESH_KEY_BYTES,
  MODULE_NAME,
  type MeshKeysDocument,
  MeshKeysError,
  pairName,
} from './mesh-keys.js';

/** What {@link deriveMeshKeys} needs. */
export interface DeriveMeshKeysOptions {
  /**
   * The deployment's master secret (at least 32 random bytes). Only the deploy tooling holds it;
   * services receive derived pair keys, never the master.
   */
  master: Buffer;
  /** Key ids to derive, the current one first (two during a rotation). */
  keyIds: readonly string[];
  /** The identities the receiving process speaks as: its hosted modules, plus `edge` for the HTTP edge. */
  self: readonly string[];
  /** Every identity of the system (modules, `edge`, other callers such as `seed`). */
  identities: readonly string[];
}

/**
 * Derives the mesh keys document of one process: for each key id, the key of every pair made of
 * one of its identities and any other identity — and no other pair. HKDF-SHA-256 (RFC 5869,
 * node:crypto) with the key id and the pair as `info`, so one master yields independent keys per
 * pair and per rotation, and the same inputs always yield the same keys (every service derives
 * the same pair key for the same pair without a key exchange).
 *
 * @throws MeshKeysError when the master is too short or a name or key id is invalid.
 */
export function deriveMeshKeys({ master, keyIds, self, identities }: DeriveMeshKeysOptions): MeshKeysDocument {
  if (master.length < MIN_MESH_KEY_BYTES)
    throw new MeshKeysError(`the mesh master secret must be at least ${MIN_MESH_KEY_BYTES} bytes`);
  if (keyIds.length === 0) throw new MeshKeysError('at least one key id is needed');
  for (const kid of keyIds)
    if (!KEY_ID.test(kid))
      throw new MeshKeysError(
        `key id ${JSON.stringify(kid.slice(0, 40))} must be 1 to 32 letters, digits, ".", "_" or "-"`,
      );
  for (const name of [...self, ...identities])
    if (!MODULE_NAME.test(name)) throw new MeshKeysError(`${JSON.stringify(name.slice(0, 64))} is not a module name`);
  const keys: MeshKeysDocument['keys'] = {};
  for (const kid of keyIds) {
    const pairs: Record<string, string> = {};
    for (const own of self) {
      for (const other of identities) {
        // Modules of one process call each other in process, without envelopes.
        if (self.includes(other)) continue;
        const pair = pairName(own, other);
        pairs[pair] = Buffer.from(
          hkdfSync('sha256', master, 'seam-mesh-v1', `${kid}|${pair}`, MIN_MESH_KEY_BYTES),
        ).toString('base64url');
      }
    }
    keys[kid] = pairs;
  }
  return { current: keyIds[0]!, keys };
}
