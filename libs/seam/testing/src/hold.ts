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
