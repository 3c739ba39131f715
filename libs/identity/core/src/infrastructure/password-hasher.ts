import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { MemoryBudget } from './memory-budget.js';

/** scrypt's cost parameters: `N` (CPU/memory, a power of two), `r` (block size), `p` (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * The production cost (`NODE_ENV=production`): OWASP's minimum for scrypt, N=2^17, r=8, p=1 —
 * 128 MiB and ~4× the development cost per hash (~0.4 s on this project's 2-core VM). The
 * log-in and register throttling keeps it from becoming a way to exhaust the server.
 */
export const PRODUCTION_SCRYPT_COST: ScryptCost = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/**
 * The cost outside production: N=2^15, r=8, p=1, ~90 ms and 32 MiB per hash, so that suites
 * registering many users stay fast. Hashes made with it are upgraded at the first log-in in
 * production (see {@link PasswordHasher.needsRehash}).
 */
export const DEVELOPMENT_SCRYPT_COST: ScryptCost = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

/** The cost new hashes use: {@link PRODUCTION_SCRYPT_COST} in production, else {@link DEVELOPMENT_SCRYPT_COST}. */
export const scryptCostFor = ({ production }: { production: boolean }): ScryptCost =>
  production ? PRODUCTION_SCRYPT_COST : DEVELOPMENT_SCRYPT_COST;

/** Injection token of the {@link ScryptCost} new hashes use (tests override it with a cheap one). */
export const SCRYPT_COST = Symbol.for('identity.scrypt-cost');

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Refuse parameters (configured, or read from a tampered row) that would take too much memory.
const MAX_MEMORY_BYTES = 256 * 2 ** 20;
/**
 * What the hashes running at once may take together: two at the production cost (128 MiB each),
 * eight at the development cost. Without it, libuv's four threads would run four production
 * hashes at once (512 MiB), over a pod's memory limit; further log-ins wait their turn instead.
 */
export const HASHING_MEMORY_BUDGET_BYTES = 256 * 2 ** 20;

/**
 * Hashes and checks passwords with scrypt (`node:crypto`, off the event loop), at most
 * {@link HASHING_MEMORY_BUDGET_BYTES} of scrypt memory at once (more log-ins queue). A hash is
 * stored as `scrypt$N$r$p$salt$hash` (base64), so it can still be checked after the cost changes.
 * Passwords are NFKC-normalised first, so the same characters typed on another keyboard match.
 */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;
  private readonly memory = new MemoryBudget(HASHING_MEMORY_BUDGET_BYTES);

  /**
   * Also starts the dummy hash, so that even the first unknown-email log-in is not faster (it
   * waits for the same hash). Started here and not awaited: it runs on libuv's thread pool while
   * Nest opens the modules' databases on the main thread, instead of holding up the modules' init
   * hooks or the seed's own hash (~0.1–0.2 s of a cold start, bench:startup).
   */
  constructor(@Inject(SCRYPT_COST) private readonly cost: ScryptCost) {
    if (!sane(cost))
      throw new Error(`Invalid scrypt cost ${JSON.stringify(cost)}: N must be a power of two, memory at most 256 MiB`);
    void this.dummyHash().catch(() => {
      // Nothing is lost: the next log-in of an unknown email derives it again.
      this.dummy = undefined;
    });
  }

  /** A new hash of `password`, with a fresh random salt. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await this.derive(password, salt, this.cost);
    const { N, r, p } = this.cost;
    return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
  }

  /**
   * Whether `password` matches `stored`. A malformed or tampered `stored` never matches. When
   * `stored` is undefined (no such account), a dummy hash is checked instead and the answer is
   * false: it takes as long as a real check, so timing does not tell which accounts exist. A
   * wrong password against a hash cheaper than the configured cost (see {@link needsRehash}) is
   * also checked against the dummy hash: else it would be refused sooner than an unknown email.
   */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    if (stored === undefined) {
      await this.check(password, await this.dummyHash());
      return false;
    }
    const matches = await this.check(password, stored);
    // Only when refused: a match on a weak hash is rehashed at the configured cost by the caller.
    if (!matches && this.needsRehash(stored)) await this.check(password, await this.dummyHash());
    return matches;
  }

  /**
   * Whether `stored` (a hash that just matched) was made with a weaker cost than the configured
   * one — lower N, r or p — and should be replaced by a new {@link hash} of the same password. A
   * stronger hash is kept: moving a database to a cheaper setting must not weaken it.
   */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (!parsed) return false;
    const { N, r, p } = parsed.cost;
    return N < this.cost.N || r < this.cost.r || p < this.cost.p;
  }

  private async check(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const actual = await this.derive(password, parsed.salt, parsed.cost);
    return timingSafeEqual(actual, parsed.hash);
  }

  private derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
    return this.memory.run(memoryOf(cost), () => scryptOf(password, salt, cost));
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(16).toString('base64'));
    return this.dummy;
  }
}

function scryptOf(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // OpenSSL needs a little over 128·N·r bytes; Node's default limit (32 MiB) is exactly that at N=2^15.
  // Twice the need leaves room for OpenSSL's overhead.
  const options: ScryptOptions = { ...cost, maxmem: 2 * memoryOf(cost) };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, HASH_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function memoryOf(cost: ScryptCost): number {
  return 128 * cost.N * cost.r + 128 * cost.r * cost.p;
}

function sane(cost: ScryptCost): boolean {
  const integers = [cost.N, cost.r, cost.p].every((value) => Number.isSafeInteger(value) && value >= 1);
  return integers && cost.N >= 2 && (cost.N & (cost.N - 1)) === 0 && cost.p <= 16 && memoryOf(cost) <= MAX_MEMORY_BYTES;
}

function parse(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9]\d{0,9}$/.test(part) ? Number(part) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  const cost = { N, r, p };
  const salt = strictBase64(parts[4]!);
  const hash = strictBase64(parts[5]!);
  if (!sane(cost) || !salt || salt.length < SALT_BYTES || hash?.length !== HASH_BYTES) return undefined;
  return { cost, salt, hash };
}

/** Decodes base64 only when it is canonical (Node's decoder silently skips invalid characters). */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}
