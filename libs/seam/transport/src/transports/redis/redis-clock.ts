import type { Redis } from 'ioredis';

/**
 * Redis's clock as seen from this process. A stream entry's id starts with Redis's time (ms) when
 * the entry was added, so its age says how long a request waited in its stream before it was read
 * — time its caller's budget has already spent.
 */
export class RedisClock {
  /** Redis's clock minus this process's, or undefined while unknown (no age is judged then). */
  private offsetMs?: number;

  /**
   * Measures the offset with `TIME`, taking Redis's answer as read halfway through the round trip.
   * When Redis refuses (`TIME` missing from an older ACL user), ages stay unknown: judging them
   * against an unmeasured skew could refuse every request.
   */
  async sync(redis: Redis): Promise<void> {
    try {
      const sent = Date.now();
      const [seconds, micros] = await redis.time();
      const received = Date.now();
      this.offsetMs = Number(seconds) * 1_000 + Number(micros) / 1_000 - (sent + received) / 2;
    } catch {
      this.offsetMs = undefined;
    }
  }

  /** How long ago, in ms, Redis added the entry `entryId` (0 when unknown, or for an id in the future). */
  ageOf(entryId: string): number {
    const added = Number(entryId.slice(0, entryId.indexOf('-')));
    if (this.offsetMs === undefined || !Number.isSafeInteger(added)) return 0;
    return Math.max(0, Date.now() + this.offsetMs - added);
  }
}
