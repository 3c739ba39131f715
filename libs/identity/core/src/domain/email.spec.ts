import { describe, expect, it } from '@jest/globals';
import { legacyEmailSpelling, normaliseEmail } from './email.js';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });

  it('spells a composed and a decomposed accent alike', () => {
    expect(normaliseEmail('Ren\u0065\u0301@example.com')).toBe(normaliseEmail('REN\u00c9@example.com'));
  });

  it('spells a Unicode and a punycode domain alike, in ASCII', () => {
    for (const email of ['ada@bücher.de', 'Ada@BÜCHER.de', 'ada@bu\u0308cher.de', 'ada@XN--BCHER-KVA.DE'])
      expect(normaliseEmail(email)).toBe('ada@xn--bcher-kva.de');
  });

  it('leaves the local part in Unicode, and a domain IDNA refuses as written', () => {
    expect(normaliseEmail('Zoë@bücher.de')).toBe('zoë@xn--bcher-kva.de');
    expect(normaliseEmail('ada@Ex_Ample.com')).toBe('ada@ex_ample.com');
  });

  it('leaves a normalised address as it is', () => {
    expect(normaliseEmail('ada@example.com')).toBe('ada@example.com');
  });
});

describe('legacyEmailSpelling', () => {
  it('answers the Unicode-domain spelling stored before domains were stored in ASCII', () => {
    expect(legacyEmailSpelling('Ada@XN--BCHER-KVA.de')).toBe('ada@bücher.de');
    expect(legacyEmailSpelling('ada@bücher.de')).toBe('ada@bücher.de');
  });

  it('answers undefined when that spelling is the normalised one', () => {
    expect(legacyEmailSpelling('Ada@Example.com')).toBeUndefined();
  });
});
