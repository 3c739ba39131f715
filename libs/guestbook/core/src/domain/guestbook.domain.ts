/** How many greetings the guestbook keeps; older ones are forgotten. */
export const GUESTBOOK_CAPACITY = 100;

/** A greeting as the guestbook records it; `id` identifies the event it came from. */
export interface GuestbookRecord {
  id: string;
  name: string;
  greeting: string;
  at: string;
}

/** A greeting as the guestbook shows it. */
export type GuestbookLine = Omit<GuestbookRecord, 'id'>;

/**
 * The latest greetings, in memory. Recording the same event id twice records it once, as long
 * as the first one is still kept (a redelivered event is not a new greeting).
 */
export class Guestbook {
  /** Oldest first. */
  private readonly records: GuestbookRecord[] = [];
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number = GUESTBOOK_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Guestbook capacity must be a positive integer, got ${capacity}`);
  }

  /** Records a greeting, forgetting the oldest beyond capacity. Returns false for a known id. */
  record(record: GuestbookRecord): boolean {
    if (this.ids.has(record.id)) return false;
    this.records.push({ ...record });
    this.ids.add(record.id);
    if (this.records.length > this.capacity) this.ids.delete(this.records.shift()!.id);
    return true;
  }

  /** The `limit` most recently recorded greetings (default: all kept), newest first. */
  latest(limit: number = this.capacity): GuestbookLine[] {
    if (limit < 1) return [];
    return this.records
      .slice(-limit)
      .toReversed()
      .map(({ name, greeting, at }) => ({ name, greeting, at }));
  }
}
