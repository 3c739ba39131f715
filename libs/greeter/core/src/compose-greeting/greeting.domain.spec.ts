import { describe, expect, it } from '@jest/globals';
import { composeGreeting } from './greeting.domain.js';

describe('greeting.domain', () => {
  describe('composeGreeting', () => {
    it('greets in English by default', () => {
      expect(composeGreeting('Ada')).toBe('Hello, Ada!');
    });

    it('greets in French with a narrow no-break space before the exclamation mark', () => {
      expect(composeGreeting('Ada', 'fr')).toBe('Bonjour, Ada\u202F!');
    });

    it('uses the name verbatim', () => {
      expect(composeGreeting('  Grace Hopper ', 'en')).toBe('Hello,   Grace Hopper !');
    });
  });
});
