/**
 * Collects items per key during one tick and hands each key's items over at the end of it (or
 * as soon as a key holds `maxBatch` items). Under load this turns one Redis command per message
 * into one per batch; alone, a message waits only until the current tick ends.
 */
export class TickBatcher<T> {
  private readonly queues = new Map<string, T[]>();
  private scheduled = false;

  constructor(
    private readonly flush: (key: string, items: T[]) => void,
    private readonly maxBatch: number,
  ) {}

  add(key: string, item: T): void {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = [];
      this.queues.set(key, queue);
    }
    queue.push(item);
    if (queue.length >= this.maxBatch) {
      this.queues.delete(key);
      this.flush(key, queue);
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.drain);
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const batches = [...this.queues];
    this.queues.clear();
    for (const [key, items] of batches) this.flush(key, items);
  };
}
