import { Redis } from 'ioredis';
import { eventually } from '@seam/testing';

/** What a replica publishes for one request (possibly several per message, as a JSON array). */
export interface TappedReply {
  id?: unknown;
  response?: unknown;
  err?: { code?: string; details?: Record<string, unknown> };
}

/**
 * Listens to pub/sub channels like a Seam caller would, keeping every message received (in
 * order: one connection receives a publisher's messages in the order they were published).
 */
export class RedisTap {
  private readonly received = new Map<string, string[]>();
  private syncs = 0;

  private constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string, message: string) => this.messages(channel).push(message));
  }

  static async open(url: string, channels: string[]): Promise<RedisTap> {
    const tap = new RedisTap(new Redis(url));
    await tap.subscriber.subscribe(...channels);
    return tap;
  }

  /** The raw messages received on `channel`. */
  messages(channel: string): string[] {
    let list = this.received.get(channel);
    if (!list) {
      list = [];
      this.received.set(channel, list);
    }
    return list;
  }

  /** Every reply received on `channel`, batched ones unpacked; messages that are not JSON are skipped. */
  replies(channel: string): TappedReply[] {
    return this.messages(channel).flatMap((message) => {
      try {
        const parsed = JSON.parse(message) as TappedReply | TappedReply[];
        return (Array.isArray(parsed) ? parsed : [parsed]).filter(
          (reply) => !(reply as { tapSync?: unknown })?.tapSync,
        );
      } catch {
        return [];
      }
    });
  }

  /**
   * Returns once every message Redis published on `channel` before this call has been received:
   * publishes a sentinel through `publisher` and waits for it (one connection, one order).
   */
  async sync(publisher: Redis, channel: string): Promise<void> {
    const sentinel = JSON.stringify({ tapSync: ++this.syncs });
    await publisher.publish(channel, sentinel);
    await eventually(() => {
      if (!this.messages(channel).includes(sentinel))
        throw new Error(`sentinel ${sentinel} not received on ${channel}`);
    });
  }

  /** The ids of the replies received on `channel`, in order. */
  replyIds(channel: string): unknown[] {
    return this.replies(channel).map((reply) => reply?.id);
  }

  /** Waits for the reply to request `id` on `channel`. */
  reply(channel: string, id: string, timeoutMs = 5_000): Promise<TappedReply> {
    return eventually(
      () => {
        const found = this.replies(channel).find((reply) => reply?.id === id);
        if (!found) throw new Error(`no reply to "${id}" on ${channel} within ${timeoutMs} ms`);
        return found;
      },
      { timeoutMs },
    );
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}

/** Whether stream entry id `a` comes at or after `b`. */
export function isAtOrAfter(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-').map(BigInt);
  const [bMs, bSeq] = b.split('-').map(BigInt);
  return aMs! > bMs! || (aMs === bMs && aSeq! >= bSeq!);
}
