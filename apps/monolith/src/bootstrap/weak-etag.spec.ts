import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ExpressAdapter } from '@nestjs/platform-express';
import { weakEtag } from './weak-etag.js';

/** The generator a new Express app uses by default (`etag: 'weak'`): what weakEtag replaces. */
const expressDefault = new ExpressAdapter().getInstance().get('etag fn') as (
  body: Buffer | string,
  encoding?: BufferEncoding,
) => string;

describe('weakEtag', () => {
  it.each<[string, Buffer | string, BufferEncoding | undefined]>([
    ['an empty Buffer', Buffer.alloc(0), undefined],
    ['empty text', '', 'utf8'],
    ['a JSON body', Buffer.from('{"id":"c4ec24cc","lines":[{"sku":"MUG-SEAM","quantity":2}]}'), undefined],
    ['text with characters of several bytes', 'Grüße aus 東京 ☕ — “quoted”', 'utf8'],
    ['text in another encoding', 'café crème', 'latin1'],
    ['text with no encoding given', 'plain text', undefined],
    ['a body of 100 KiB', randomBytes(100 * 1024), undefined],
  ])("is Express's own ETag for %s, byte for byte", (_, body, encoding) => {
    expect(weakEtag(body, encoding)).toBe(expressDefault(body, encoding));
  });

  it('differs when one byte of the body does, and when its length does', () => {
    const body = Buffer.from('{"status":"confirmed"}');
    const changed = Buffer.from('{"status":"confirmee"}');
    expect(weakEtag(changed)).not.toBe(weakEtag(body));
    expect(weakEtag(Buffer.concat([body, Buffer.from(' ')]))).not.toBe(weakEtag(body));
    expect(weakEtag(body)).toMatch(/^W\/"16-[A-Za-z0-9+/]{27}"$/);
  });
});
