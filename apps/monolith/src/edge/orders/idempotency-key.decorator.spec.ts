import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@seam/transport';
import { idempotencyKeyOf } from './idempotency-key.decorator.js';

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('idempotencyKeyOf', () => {
  it('accepts no header, or one of 8 to 100 letters, digits and . _ : -', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('order:2026-11-25_a.b')).toBe('order:2026-11-25_a.b');
  });

  it.each(['short', 'has space in it', 'x'.repeat(101), ['aaaaaaaa', 'bbbbbbbb']])(
    'refuses %p, naming the header',
    (header) => {
      const error = thrownBy(() => idempotencyKeyOf(header));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path)).toEqual(['Idempotency-Key']);
    },
  );
});
