import { randomFillSync } from 'node:crypto';

// Ids are cut from a pool of random hex: one CSPRNG call and one hex encoding per 16 KiB of
// randomness, and each id is then a substring. This keeps id generation (two per outgoing call)
// at tens of nanoseconds instead of a syscall and an encoding per id.
const POOL_BYTES = 16 * 1024;
let pool = '';
/** The all-zero id of each length asked for, by length. */
const zeros: string[] = [];
let offset = 0;

/** `bytes` cryptographically random bytes as lowercase hex; never all zeros (W3C forbids it). */
export function randomHex(bytes: number): string {
  const length = bytes * 2;
  if (offset + length > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES)).toString('hex');
    offset = 0;
  }
  const hex = pool.slice(offset, offset + length);
  offset += length;
  // An all-zero id (one in 2^64 for a span id) is drawn again; comparing with the zeros of its
  // length costs a character, a regular expression ~40 ns.
  return hex === (zeros[length] ??= '0'.repeat(length)) ? randomHex(bytes) : hex;
}
