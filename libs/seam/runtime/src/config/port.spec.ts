import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PORT, portFromEnv } from './port.js';

describe('portFromEnv', () => {
  it('reads PORT, 3000 when unset or blank, 0 for any free port', () => {
    expect(portFromEnv({})).toBe(DEFAULT_PORT);
    expect(portFromEnv({ PORT: ' ' })).toBe(3000);
    expect(portFromEnv({ PORT: '8080' })).toBe(8080);
    expect(portFromEnv({ PORT: '0' })).toBe(0);
  });

  it('falls back to the given port when PORT is unset (a service uses its topology httpPort)', () => {
    expect(portFromEnv({}, 9104)).toBe(9104);
    expect(portFromEnv({ PORT: '8080' }, 9104)).toBe(8080);
  });

  it.each(['http', '-1', '65536', '3000.5', '1e3', '0x50'])('refuses PORT=%p, naming the variable', (value) => {
    expect(() => portFromEnv({ PORT: value })).toThrow(
      `PORT must be a TCP port number from 0 to 65535, got "${value}"`,
    );
  });
});
