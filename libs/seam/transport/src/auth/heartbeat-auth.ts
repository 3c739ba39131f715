import { redisKeys } from '../transports/redis/redis-keys.js';
import { AUTH_METADATA_KEY, type EnvelopeAuth } from './envelope-auth.js';

/** A heartbeat as published (`replica`, `state`), with its signatures when the mesh is authenticated. */
interface SignedHeartbeat {
  replica?: unknown;
  state?: unknown;
  auth?: unknown;
}

/**
 * The JSON of a heartbeat of `module`, signed for every module it shares a key with (its callers
 * among them) when `auth` is given.
 */
export function heartbeatMessage(
  auth: EnvelopeAuth | undefined,
  module: string,
  heartbeat: { replica: string; state: 'up' | 'down' },
): string {
  if (!auth) return JSON.stringify(heartbeat);
  const { header } = auth.sign(module, auth.keys.peersOf(module), {
    pattern: redisKeys.heartbeats(module),
    data: heartbeat,
    metadata: { 'seam-caller': module },
  });
  return JSON.stringify({ ...heartbeat, auth: header });
}

/**
 * Whether a heartbeat of `module` may be believed: always without `auth`; with it, only when it
 * carries a signature of `module` made for one of this process's identities, within the clock
 * skew. Refusals are counted like any envelope's. Replays are not tracked: a replica beats every
 * 200 ms to every client, a copied beat says nothing a live replica's own beats do not, and a
 * "down" is believed only once Redis confirms the replica's presence subscription is gone.
 */
export function isAuthenticHeartbeat(auth: EnvelopeAuth | undefined, module: string, raw: string): boolean {
  if (!auth) return true;
  let beat: SignedHeartbeat;
  try {
    beat = JSON.parse(raw) as SignedHeartbeat;
  } catch {
    return false;
  }
  if (typeof beat !== 'object' || beat === null) return false;
  try {
    auth.verify(
      {
        pattern: redisKeys.heartbeats(module),
        data: { replica: beat.replica, state: beat.state },
        metadata: { 'seam-caller': module, [AUTH_METADATA_KEY]: typeof beat.auth === 'string' ? beat.auth : undefined },
      },
      (to) => auth.keys.holdsPair(module, to),
      { replay: false },
    );
    return true;
  } catch {
    return false;
  }
}
