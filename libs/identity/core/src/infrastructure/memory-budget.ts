/**
 * A first-come-first-served limit on the memory that jobs running at once may take: a job waits
 * until its bytes fit in what the running ones leave, and never overtakes a job that waited
 * first (a large job is not starved by a stream of small ones). A job larger than the whole budget
 * runs alone.
 */
export class MemoryBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; start: () => void }> = [];

  constructor(
    /** The bytes all running jobs may take together. */
    readonly capacityBytes: number,
  ) {}

  /** Runs `work` once `bytes` fit, and gives them back when it settles (fulfilled or not). */
  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const share = Math.min(bytes, this.capacityBytes);
    await this.acquire(share);
    try {
      return await work();
    } finally {
      this.release(share);
    }
  }

  private acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.used + bytes <= this.capacityBytes) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((start) => this.waiting.push({ bytes, start }));
  }

  private release(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.bytes <= this.capacityBytes) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.start();
    }
  }
}
