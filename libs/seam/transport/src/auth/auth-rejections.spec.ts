import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuthRejections } from './auth-rejections.js';

describe('AuthRejections', () => {
  it('logs what a refused peer sent on one line: a line break or quote of its own cannot forge an entry', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const forged = 'payments.x\n[Nest] 4242  - 12/07/2026, 5:00:00 PM     LOG [SeamAuth] link from orders accepted';
      new AuthRejections().record('missing', 'orders"\r\nforged', forged);
      const line = warn.mock.calls[0]![0] as string;
      expect(line).not.toMatch(/[\r\n]/);
      expect(line).toBe(
        `Refused an envelope claiming to be from ${JSON.stringify('orders"\r\nforged')} for ${JSON.stringify(forged)}: missing`,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('cuts a long pattern to 100 characters, and counts by reason', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const rejections = new AuthRejections();
      rejections.record('replay', 'orders', `payments.${'x'.repeat(500)}`);
      rejections.record('replay', 'orders', 'payments.y');
      expect(warn.mock.calls[0]![0]).toContain(`"payments.${'x'.repeat(91)}…"`);
      expect(warn).toHaveBeenCalledTimes(1); // the second falls in the same interval
      expect(rejections.count('replay')).toBe(2);
    } finally {
      warn.mockRestore();
    }
  });
});
