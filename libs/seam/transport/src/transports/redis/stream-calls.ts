import type { SignedReplyCallback } from '../../auth/outgoing-auth.js';

/** A stream entry carrying one or more calls. */
export interface Entry {
  id?: string;
  /** Calls of the entry not yet answered, failed or abandoned. */
  open: number;
  /** Calls of the entry whose caller stopped waiting (failed or abandoned). */
  dropped: number;
}

/** A call waiting for its answer. */
export interface PendingCall {
  module: string;
  /** The request stream the call was appended to. */
  stream: string;
  /** Takes the reply's signature too: it is checked before the caller sees the answer. */
  reply: SignedReplyCallback;
  entry?: Entry;
}

/** A call waiting for the end of the tick to be appended, with its serialized packet. */
export interface QueuedCall {
  id: string;
  call: PendingCall;
  body: string;
}

/**
 * The calls a Redis streams client waits on, and the accounting of the stream entries carrying
 * them: once every call of an entry has been given up (failed or abandoned), the entry is deleted
 * from its stream (through `deleteEntry`) so that a replica that has not taken it yet never runs it.
 */
export class PendingCalls {
  private readonly calls = new Map<string, PendingCall>();

  /** `deleteEntry` removes an entry from its stream; harmless if a replica already took it. */
  constructor(private readonly deleteEntry: (stream: string, entryId: string) => void) {}

  get size(): number {
    return this.calls.size;
  }

  has(id: string): boolean {
    return this.calls.has(id);
  }

  add(id: string, call: PendingCall): void {
    this.calls.set(id, call);
  }

  /** The ids of the calls `which` picks (a copy: failing them changes the table). */
  idsOf(which: (call: PendingCall) => boolean): string[] {
    const ids: string[] = [];
    for (const [id, call] of this.calls) if (which(call)) ids.push(id);
    return ids;
  }

  /**
   * Binds the calls queued for one entry that are still waited on to a new entry; undefined when
   * none is (nothing to append).
   */
  entryOf(queued: readonly QueuedCall[]): { live: QueuedCall[]; entry: Entry } | undefined {
    const live = queued.filter(({ id }) => this.calls.has(id));
    if (live.length === 0) return undefined;
    const entry: Entry = { open: live.length, dropped: 0 };
    for (const { call } of live) call.entry = entry;
    return { live, entry };
  }

  /** The entry is in its stream as `entryId`: deleted at once if all its calls were given up meanwhile. */
  appended(stream: string, entry: Entry, entryId: string | null): void {
    entry.id = entryId ?? undefined;
    if (entry.open === 0 && entry.dropped > 0 && entry.id) this.deleteEntry(stream, entry.id);
  }

  /** The call answered `id`, taken off the table; undefined if nobody waits for it any more. */
  answered(id: string): PendingCall | undefined {
    const call = this.calls.get(id);
    if (!call) return undefined;
    this.calls.delete(id);
    if (call.entry) call.entry.open--;
    return call;
  }

  /** Stops waiting for a call (its entry is deleted once all of its calls are given up). */
  abandon(id: string): PendingCall | undefined {
    const call = this.calls.get(id);
    if (!call) return undefined;
    this.calls.delete(id);
    const entry = call.entry;
    if (entry) {
      entry.open--;
      entry.dropped++;
      if (entry.open === 0 && entry.id) this.deleteEntry(call.stream, entry.id);
    }
    return call;
  }
}
