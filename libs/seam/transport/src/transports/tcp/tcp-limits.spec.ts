import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TCP_SERVER_LIMITS, resolveTcpServerLimits } from './tcp-limits.js';

describe('tcp-limits', () => {
  describe('resolveTcpServerLimits', () => {
    it('applies every default', () => {
      expect(resolveTcpServerLimits()).toEqual({
        maxConnections: 1_024,
        maxBufferedBytes: 64 * 1024 * 1024,
        firstFrameTimeoutMs: 10_000,
        rejectionLogIntervalMs: 10_000,
      });
    });

    it('keeps the values given, and 0 turns the first-frame timeout off', () => {
      const limits = { maxConnections: 2, maxBufferedBytes: 3, firstFrameTimeoutMs: 0, rejectionLogIntervalMs: 5 };
      expect(resolveTcpServerLimits(limits)).toEqual(limits);
    });

    it.each(Object.keys(DEFAULT_TCP_SERVER_LIMITS))('refuses a %s that is not a usable integer', (key) => {
      for (const value of [-1, 1.5, Number.NaN, '100', Number.POSITIVE_INFINITY]) {
        expect(() => resolveTcpServerLimits({ [key]: value })).toThrow(`Seam option tcpServer.${key} must be`);
      }
    });

    it.each(['maxConnections', 'maxBufferedBytes', 'rejectionLogIntervalMs'])('refuses a %s of 0', (key) => {
      expect(() => resolveTcpServerLimits({ [key]: 0 })).toThrow(`tcpServer.${key} must be an integer >= 1`);
    });
  });
});
