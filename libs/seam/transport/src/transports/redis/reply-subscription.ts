import type { Redis } from 'ioredis';

/**
 * Whether a client's reply channel is subscribed on its subscriber's current connection: cleared
 * when that connection closes, set again once SUBSCRIBE has answered after it reconnects. A call
 * appended meanwhile would be answered to nobody, so the client refuses calls until it is ready.
 * ioredis subscribes again by itself after a reconnection, but says nothing when it is done: this
 * subscribes explicitly and counts the drops, so that an answer from before a drop counts for nothing.
 */
export class ReplySubscription {
  private subscribed = false;
  /** Bumped when the subscriber's connection closes: a SUBSCRIBE answered from before is stale. */
  private drops = 0;
  private subscriber?: Redis;

  /**
   * @param channel the client's reply channel
   * @param failed told why a SUBSCRIBE failed (for the Unavailable of the calls refused meanwhile)
   */
  constructor(
    readonly channel: string,
    private readonly failed: (reason: string) => void,
  ) {}

  /** Whether calls may be appended: their replies have somewhere to go. */
  get ready(): boolean {
    return this.subscribed;
  }

  /**
   * Follows `subscriber`, a new connection. Call it before registering other 'close' listeners,
   * so that calls failed on a close are refused after it.
   */
  follow(subscriber: Redis): void {
    this.subscriber = subscriber;
    subscriber.on('close', () => {
      this.drops++;
      this.subscribed = false;
    });
    subscriber.on('ready', () => void this.subscribe().catch(() => undefined));
  }

  /** Subscribes the channel on the followed connection, then lets calls be appended. */
  async subscribe(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    const drops = this.drops;
    try {
      await subscriber.subscribe(this.channel);
    } catch (error) {
      this.failed((error as Error).message);
      throw error;
    }
    if (drops === this.drops && subscriber === this.subscriber) this.subscribed = true;
  }

  /** Stops following: the client closed. */
  stop(): void {
    this.subscriber = undefined;
    this.subscribed = false;
  }
}
