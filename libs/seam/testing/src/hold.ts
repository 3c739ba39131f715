/**
 * A point where code under test stops until the test lets it go: the code awaits
 * {@link Hold.here}, the test awaits {@link Hold.reached}, looks at the world meanwhile, then calls
 * {@link Hold.release} (`here` returns) or {@link Hold.fail} (`here` throws). For what others see
 * while a transaction is open mid-way: put `here()` after its writes, before its commit. One use.
 */
export class Hold {
  /** Resolves when the code arrives at `here()`. */
  readonly reached: Promise<void>;
  private arrive!: () => void;
  private leave!: (error: Error | undefined) => void;
  private readonly gate: Promise<Error | undefined>;

  constructor() {
    this.reached = new Promise<void>((resolve) => (this.arrive = resolve));
    this.gate = new Promise<Error | undefined>((resolve) => (this.leave = resolve));
  }

  /** Waits, in the code under test, until the test releases it (or fails it: then throws). */
  async here(): Promise<void> {
    this.arrive();
    const error = await this.gate;
    if (error) throw error;
  }

  /** Lets the held code go on. */
  release(): void {
    this.leave(undefined);
  }

  /** Makes the held code throw `error` (a transaction held there rolls back). */
  fail(error: Error = new Error('Held work failed on purpose')): void {
    this.leave(error);
  }
}

/**
 * What `read` answers when it races a write that is held open at `hold` and then rolls back: the
 * read starts once the write is held and gets a turn of the event loop to run, then the write is
 * failed. Resolves with the read's answer once the write has rolled back; rejects if the write
 * ended any other way. A store without dirty reads answers as if the write never happened.
 */
export async function readRacingRollback<T>(hold: Hold, write: Promise<unknown>, read: () => Promise<T>): Promise<T> {
  await hold.reached;
  const reading = read();
  await new Promise((resolve) => setImmediate(resolve)); // the read has every chance to run meanwhile
  const failure = new Error('Held write rolled back on purpose');
  hold.fail(failure);
  const outcome = await write.then(
    () => 'committed',
    (error: unknown) => error,
  );
  if (outcome !== failure) {
    void reading.catch(() => undefined); // the failure below is the news, not the read's
    throw new Error(`the held write was meant to roll back; it ended with ${String(outcome)}`);
  }
  return reading;
}
