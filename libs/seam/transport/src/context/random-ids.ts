import { randomFillSync } from 'node:crypto';

// Random bytes are drawn in blocks: one syscall per 4 KiB instead of one per id keeps id
// generation off the profile of the in-process call path.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** `bytes` cryptographically random bytes as lowercase hex (never all zeros, as W3C requires). */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}
