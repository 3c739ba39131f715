import { describe, expect, it } from '@jest/globals';
import { passwordProblems } from './password-policy.js';

const email = 'ada@example.com';

describe('passwordProblems', () => {
  it('accepts 8 to 128 characters', () => {
    expect(passwordProblems('12345678', email)).toEqual([]);
    expect(passwordProblems('x'.repeat(128), email)).toEqual([]);
  });

  it('refuses fewer than 8 or more than 128 characters', () => {
    expect(passwordProblems('1234567', email)).toEqual(['password must be at least 8 characters']);
    expect(passwordProblems('x'.repeat(129), email)).toEqual(['password must be at most 128 characters']);
  });

  it('counts characters, not UTF-16 units', () => {
    // Four emoji are eight UTF-16 units but four characters.
    expect(passwordProblems('🔑🔑🔑🔑', email)).toEqual(['password must be at least 8 characters']);
  });

  it('refuses a blank password', () => {
    expect(passwordProblems(' '.repeat(10), email)).toEqual(['password must not be blank']);
  });

  it('refuses the email address, whatever its case', () => {
    expect(passwordProblems('ADA@example.com', email)).toEqual(['password must not be the email address']);
  });
});
