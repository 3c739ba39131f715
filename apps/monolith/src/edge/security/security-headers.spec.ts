import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

/** The headers helmet sets on one response. */
function headersSet(): Map<string, string> {
  const set = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string) => set.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => set.delete(name.toLowerCase()),
  } as unknown as ServerResponse;
  securityHeaders()({ method: 'GET', url: '/', headers: {} } as IncomingMessage, response, () => undefined);
  return set;
}

describe('securityHeaders', () => {
  it('sends exactly the edge policy, without upgrade-insecure-requests', () => {
    const csp = headersSet().get('content-security-policy')!;
    for (const [name, values] of Object.entries(CONTENT_SECURITY_POLICY))
      expect(csp).toContain(`${name} ${values.join(' ')}`);
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('never allows inline or evaluated scripts', () => {
    expect(CONTENT_SECURITY_POLICY['script-src']).toEqual(["'self'"]);
    expect(headersSet().get('content-security-policy')).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it("keeps helmet's other headers", () => {
    const headers = headersSet();
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=/);
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  });
});
