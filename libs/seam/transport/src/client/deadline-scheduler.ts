/** The longest delay `setTimeout` honours (2^31 − 1 ms, ~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Something that gives up when its deadline passes. */
export interface Expirable {
  expire(): void;
}

/** A scheduled deadline; pass it back to {@link DeadlineScheduler.cancel}. */
export interface DeadlineTicket {
  readonly at: number;
  /** @internal */ target: Expirable | undefined;
  /** @internal */ readonly lane: Lane;
}

interface Lane {
  slots: DeadlineTicket[];
  head: number;
  live: number;
  timer?: NodeJS.Timeout;
  /** A firing put off to `setImmediate` is pending (it stands in for the timer). */
  deferred?: boolean;
}

/** A deadline as scheduled: a class, not an object literal (see `OutgoingRequest` for why). */
class Ticket implements DeadlineTicket {
  constructor(
    readonly at: number,
    public target: Expirable | undefined,
    readonly lane: Lane,
  ) {}
}

/** Above this many dead slots at the front of a lane, the lane is compacted. */
const COMPACT_AFTER = 1_024;

/**
 * A lane timer running this late means the event loop was stalled (a GC pause, CPU-bound work):
 * replies that arrived meanwhile may still sit unread in sockets, and timers run before I/O is
 * read. Such a firing is put off to `setImmediate`, which runs after the pending I/O.
 */
const STALLED_BY_MS = 20;

/**
 * Deadlines for every call, at a few tens of nanoseconds each. Node's `setTimeout` +
 * `clearTimeout` cost ~320 ns per call, a fifth of the whole in-process call budget; here, calls
 * with the same timeout share a FIFO lane (their deadlines come in order) and each lane keeps at
 * most one Node timer, armed for its earliest live deadline. A deadline never fires early; it may
 * fire late by at most 1% of its duration (durations are grouped to 3 significant digits), well
 * inside the "deadline + 10%" promise.
 */
export class DeadlineScheduler {
  private readonly lanes = new Map<number, Lane>();
  private lastMs = Number.NaN;
  private lastLane?: Lane;

  /** Calls `target.expire()` once `ms` milliseconds have passed, unless cancelled before. */
  schedule(ms: number, target: Expirable): DeadlineTicket {
    const lane = ms === this.lastMs ? this.lastLane! : this.laneFor(ms);
    const ticket: DeadlineTicket = new Ticket(performance.now() + ms, target, lane);
    lane.slots.push(ticket);
    if (++lane.live === 1) {
      if (lane.timer) lane.timer.ref();
      else if (!lane.deferred) this.arm(lane, ms);
    }
    return ticket;
  }

  /** Forgets a deadline (the call settled first). Idempotent. */
  cancel(ticket: DeadlineTicket): void {
    if (ticket.target === undefined) return;
    ticket.target = undefined;
    const lane = ticket.lane;
    // An idle lane keeps its timer (re-arming costs more than a spurious wake-up) but must not
    // keep the process alive.
    if (--lane.live === 0) {
      // Emptying the lane at once matters: tickets kept in the array would survive young-
      // generation collections and be promoted, which multiplied GC time by four when measured.
      lane.slots.length = 0;
      lane.head = 0;
      lane.timer?.unref();
      return;
    }
    this.trim(lane);
  }

  private laneFor(ms: number): Lane {
    const key = groupDuration(ms);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { slots: [], head: 0, live: 0 };
      this.lanes.set(key, lane);
    }
    this.lastMs = ms;
    this.lastLane = lane;
    return lane;
  }

  private arm(lane: Lane, delay: number): void {
    // Node fires a longer timer after 1 ms (and warns): the lane would re-arm in a loop.
    lane.timer = setTimeout(() => this.fire(lane), Math.min(Math.max(0, delay), MAX_TIMER_MS));
  }

  private fire(lane: Lane, deferred = false): void {
    lane.timer = undefined;
    lane.deferred = false;
    const now = performance.now();
    this.trim(lane);
    if (!deferred && lane.head < lane.slots.length && now - lane.slots[lane.head]!.at > STALLED_BY_MS) {
      // A deadline that is overdue by a stall is judged once the replies that came during it are read.
      lane.deferred = true;
      setImmediate(() => this.fire(lane, true));
      return;
    }
    while (lane.head < lane.slots.length) {
      const ticket = lane.slots[lane.head]!;
      if (ticket.target !== undefined && ticket.at > now) break;
      lane.head++;
      const target = ticket.target;
      if (target === undefined) continue;
      ticket.target = undefined;
      lane.live--;
      target.expire();
    }
    this.trim(lane);
    // A target that scheduled a deadline of this lane from expire() has armed the timer already.
    if (lane.live > 0 && lane.timer === undefined) this.arm(lane, lane.slots[lane.head]!.at - now);
  }

  /** Drops cancelled deadlines from the front of the lane; compacts it now and then. */
  private trim(lane: Lane): void {
    while (lane.head < lane.slots.length && lane.slots[lane.head]!.target === undefined) lane.head++;
    if (lane.head === lane.slots.length && lane.head > COMPACT_AFTER) {
      lane.slots = [];
      lane.head = 0;
    } else if (lane.head > COMPACT_AFTER && lane.head * 2 > lane.slots.length) {
      lane.slots = lane.slots.slice(lane.head);
      lane.head = 0;
    }
  }
}

/** Rounds a duration up to 3 significant digits, so that similar timeouts share a lane. */
function groupDuration(ms: number): number {
  if (ms <= 100) return Math.ceil(ms);
  const step = 10 ** (Math.floor(Math.log10(ms)) - 2);
  return Math.ceil(ms / step) * step;
}
