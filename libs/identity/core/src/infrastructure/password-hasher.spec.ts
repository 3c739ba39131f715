import { describe, expect, it, jest } from '@jest/globals';
import { MemoryBudget } from './memory-budget.js';
import { DEVELOPMENT_SCRYPT_COST, PasswordHasher, PRODUCTION_SCRYPT_COST } from './password-hasher.js';

// Cheap parameters keep the suite fast; the format and the checks are the same.
const hasher = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
const password = 'correct horse battery staple';

/** `stored` with its part at `index` replaced. */
function withPart(stored: string, index: number, part: string): string {
  const parts = stored.split('$');
  parts[index] = part;
  return parts.join('$');
}

const median = (times: number[]): number => times.toSorted((a, b) => a - b)[Math.floor(times.length / 2)]!;

/**
 * The median duration of each of two pieces of work, timed `runs` times each, alternately: a
 * burst of load on a loaded 2-core CI machine then slows both alike instead of only the one
 * that happened to run during it.
 */
async function interleavedMediansMs(
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  runs = 9,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < runs; run++) {
    for (const [index, work] of [first, second].entries()) {
      const start = performance.now();
      await work();
      times[index]!.push(performance.now() - start);
    }
  }
  return [median(times[0]), median(times[1])];
}

describe('PasswordHasher', () => {
  describe('constructor', () => {
    it('refuses an N that is not a power of two, and a cost over 256 MiB', () => {
      expect(() => new PasswordHasher({ N: 1_000, r: 8, p: 1 })).toThrow('Invalid scrypt cost');
      expect(() => new PasswordHasher({ N: 2 ** 20, r: 8, p: 1 })).toThrow('Invalid scrypt cost');
    });

    it("accepts the production cost, at least OWASP's minimum for scrypt (N 2^17, r 8, p 1)", () => {
      expect(() => new PasswordHasher(PRODUCTION_SCRYPT_COST)).not.toThrow();
      expect(PRODUCTION_SCRYPT_COST.N).toBeGreaterThanOrEqual(2 ** 17);
      expect(PRODUCTION_SCRYPT_COST).toMatchObject({ r: 8, p: 1 });
      expect(DEVELOPMENT_SCRYPT_COST.N).toBeLessThan(PRODUCTION_SCRYPT_COST.N);
    });

    it('hashes and checks at the production cost (128 MiB: within what scrypt is allowed to take)', async () => {
      const production = new PasswordHasher(PRODUCTION_SCRYPT_COST);
      const stored = await production.hash(password);
      expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
      await expect(production.verify(password, stored)).resolves.toBe(true);
      expect(production.needsRehash(stored)).toBe(false);
    }, 20_000);
  });

  describe('needsRehash', () => {
    const stronger = new PasswordHasher({ N: 2 ** 11, r: 8, p: 1 });

    it('asks for a new hash when N, r or p is below the configured cost', async () => {
      const weak = await hasher.hash(password);
      expect(stronger.needsRehash(weak)).toBe(true);
      expect(stronger.needsRehash(withPart(await stronger.hash(password), 2, '4'))).toBe(true);
      expect(new PasswordHasher({ N: 2 ** 10, r: 8, p: 2 }).needsRehash(weak)).toBe(true);
    });

    it('keeps a hash made at the configured cost or above (never downgrades)', async () => {
      expect(stronger.needsRehash(await stronger.hash(password))).toBe(false);
      expect(hasher.needsRehash(await stronger.hash(password))).toBe(false);
    });

    it.each(['', 'garbage', 'scrypt$1023$8$1$AAAA$BBBB', 'bcrypt$2$8$1$a$b'])(
      'leaves a malformed stored value %p alone (it never matches anyway)',
      (stored) => {
        expect(stronger.needsRehash(stored)).toBe(false);
      },
    );
  });

  describe('hash', () => {
    it('is a self-describing scrypt string, not the password', async () => {
      const stored = await hasher.hash(password);
      expect(stored).not.toContain(password);
      expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    });

    it('differs for two hashes of one password (fresh salt)', async () => {
      expect(await hasher.hash(password)).not.toBe(await hasher.hash(password));
    });
  });

  describe('verify', () => {
    it('accepts the right password and refuses a wrong one', async () => {
      const stored = await hasher.hash(password);
      await expect(hasher.verify(password, stored)).resolves.toBe(true);
      await expect(hasher.verify(`${password}!`, stored)).resolves.toBe(false);
      await expect(hasher.verify(password.toUpperCase(), stored)).resolves.toBe(false);
    });

    it('checks a hash made with another cost using the cost it names', async () => {
      const stored = await new PasswordHasher({ N: 2 ** 11, r: 4, p: 2 }).hash(password);
      await expect(hasher.verify(password, stored)).resolves.toBe(true);
    });

    it('matches a password typed composed or decomposed', async () => {
      const stored = await hasher.hash('caf\u00e9-caf\u00e9');
      await expect(hasher.verify('cafe\u0301-cafe\u0301', stored)).resolves.toBe(true);
    });

    it('refuses a tampered hash string', async () => {
      const stored = await hasher.hash(password);
      const hash = stored.split('$')[5]!;
      const flipped = `${hash[0] === 'A' ? 'B' : 'A'}${hash.slice(1)}`;
      const tampered = [
        withPart(stored, 5, flipped), // another hash
        withPart(stored, 4, Buffer.alloc(16).toString('base64')), // another salt
        withPart(stored, 1, '2048'), // another cost
        withPart(stored, 5, `${hash.slice(0, -1)}*`), // not base64
        withPart(stored, 5, Buffer.alloc(16).toString('base64')), // too short
        withPart(stored, 0, 'bcrypt'),
        withPart(stored, 1, '1000'), // N not a power of two
        withPart(stored, 1, '1048576'), // too much memory
        `${stored}$extra`,
        '',
      ];
      for (const candidate of tampered) await expect(hasher.verify(password, candidate)).resolves.toBe(false);
    });

    it('refuses a wrong password against a cheaper stored hash after the work of an unknown email too', async () => {
      const configured = { N: 2 ** 11, r: 8, p: 1 };
      const current = new PasswordHasher(configured);
      const weak = await hasher.hash(password);
      await current.verify(password, undefined); // the dummy hash exists: only checks are counted below
      // Every scrypt run reserves its memory first: 128·N·r + 128·r·p bytes tells which cost ran.
      const memoryOf = ({ N, r, p }: typeof configured) => 128 * N * r + 128 * r * p;
      const runs = jest.spyOn(MemoryBudget.prototype, 'run');
      try {
        await expect(current.verify('wrong password', weak)).resolves.toBe(false);
        const wrongPassword = runs.mock.calls.map(([bytes]) => bytes);
        runs.mockClear();
        await current.verify('wrong password', undefined);
        const unknownEmail = runs.mock.calls.map(([bytes]) => bytes);
        expect(unknownEmail).toEqual([memoryOf(configured)]);
        expect(wrongPassword).toEqual([memoryOf({ N: 2 ** 10, r: 8, p: 1 }), memoryOf(configured)]);
      } finally {
        runs.mockRestore();
      }
    });

    it('answers false, after a check as slow as a real one, when there is no stored hash', async () => {
      const slower = new PasswordHasher({ N: 2 ** 12, r: 8, p: 1 });
      const stored = await slower.hash(password);
      await expect(slower.verify(password, undefined)).resolves.toBe(false);
      const [real, dummy] = await interleavedMediansMs(
        () => slower.verify(password, stored),
        () => slower.verify(password, undefined),
      );
      // Skipping the work would take ~1/100 of a real check; the margin absorbs a noisy machine.
      expect(dummy).toBeGreaterThan(real / 4);
    });
  });
});
