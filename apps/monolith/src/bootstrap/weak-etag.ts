import { hash } from 'node:crypto';

/** Express's ETag of an empty body: the SHA-1 of nothing, which Express does not compute. */
const EMPTY_BODY = 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

/**
 * The weak ETag Express puts on every answer with a body (its default `etag` setting), the same
 * value byte for byte — the body's length in hex and the first 27 characters of its SHA-1 in
 * base64 — computed with Node's one-shot `crypto.hash`. Express's own generator makes a `Hash`
 * object, with its native handle, for every answer: the CPU profile of the monolith's read charged
 * 3.4% of it to that, and paired runs with this one read 0.96× the CPU per read (2026-12-07,
 * docs/benchmarks.md). Written here because the formula is three lines and the library offers no
 * cheaper mode; `weak-etag.spec.ts` holds it to Express's own.
 *
 * @param body what Express sends: a Buffer, or text in `encoding` (UTF-8 unless given)
 */
export function weakEtag(body: Buffer | string, encoding?: BufferEncoding): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, encoding) : body;
  if (bytes.length === 0) return EMPTY_BODY;
  return `W/"${bytes.length.toString(16)}-${hash('sha1', bytes, 'base64').slice(0, 27)}"`;
}
