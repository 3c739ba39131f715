import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { TcpRejections } from './tcp-rejections.js';

const INTERVAL_MS = 10_000;

describe('TcpRejections', () => {
  let lines: string[];
  let rejections: TcpRejections;
  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    rejections = new TcpRejections('TCP server 127.0.0.1:4000', INTERVAL_MS, (line) => lines.push(line));
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('record', () => {
    it('counts every rejection exactly while logging at most one line per interval', () => {
      for (let i = 0; i < 1_000; i++) rejections.record('invalid-json', `10.0.0.1:${i}`, 'Unexpected token');
      rejections.record('frame-deadline', '10.0.0.2:1', 'frame incomplete');
      expect(lines).toHaveLength(1);
      jest.advanceTimersByTime(INTERVAL_MS - 1);
      expect(lines).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(
        'TCP server 127.0.0.1:4000 dropped 1000 more connection(s) within 10000 ms: invalid-json 999, frame-deadline 1',
      );
      expect(rejections.counts).toMatchObject({ 'invalid-json': 1_000, 'frame-deadline': 1, 'buffer-limit': 0 });
      expect(rejections.badFrames).toBe(1_000);
    });

    it('logs the first rejection of a quiet spell at once, with its peer and reason', () => {
      rejections.record('invalid-length', '10.0.0.1:5', 'length prefix "xx"');
      expect(lines).toEqual([
        'TCP server 127.0.0.1:4000 dropped a connection from 10.0.0.1:5: invalid-length (length prefix "xx")',
      ]);
    });

    it('logs nothing at the end of an interval without rejections, then again at once', () => {
      rejections.record('invalid-json', 'a', 'x');
      jest.advanceTimersByTime(INTERVAL_MS * 3);
      expect(lines).toHaveLength(1);
      rejections.record('invalid-json', 'b', 'y');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain('from b: invalid-json (y)');
    });

    it('keeps a line one line, without a stack, and clips what the peer sent', () => {
      rejections.record('invalid-json', 'a', `Unexpected token\n    at JSON.parse\n${'x'.repeat(10_000)}`);
      expect(lines[0]).not.toContain('\n');
      expect(lines[0].length).toBeLessThan(300);
    });

    it('counts a limit that is not a bad frame apart from bad frames', () => {
      rejections.record('connection-limit', 'a', '1024 connections open');
      expect(rejections.badFrames).toBe(0);
      expect(rejections.counts['connection-limit']).toBe(1);
    });
  });

  describe('flush', () => {
    it('logs what the interval still held, and stops its timer', () => {
      rejections.record('invalid-json', 'a', 'x');
      rejections.record('socket-error', 'b', 'read ECONNRESET');
      rejections.flush();
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain('1 more connection(s)');
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
