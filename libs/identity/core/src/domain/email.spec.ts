import { describe, expect, it } from '@jest/globals';
import { normaliseEmail } from './email.js';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });

  it('spells a composed and a decomposed accent alike', () => {
    expect(normaliseEmail('Ren\u0065\u0301@example.com')).toBe(normaliseEmail('REN\u00c9@example.com'));
  });

  it('leaves a normalised address as it is', () => {
    expect(normaliseEmail('ada@example.com')).toBe('ada@example.com');
  });
});
