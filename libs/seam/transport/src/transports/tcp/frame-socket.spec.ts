import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as fc from 'fast-check';
import { BufferBudget } from './buffer-budget.js';
import { FrameSocket, type FrameSocketOptions } from './frame-socket.js';
import type { TcpRejectionReason } from './tcp-rejections.js';

const DEADLINE_MS = 1_000;
const FIRST_FRAME_MS = 3_000;

/** A connection's far end: what the peer sends is pushed in, what the server writes is recorded. */
function fakeConnection(options: Partial<FrameSocketOptions> = {}, { peerReads = true } = {}) {
  const written: string[] = [];
  const unread: (() => void)[] = [];
  const messages: unknown[] = [];
  const rejected: TcpRejectionReason[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      if (peerReads) callback();
      else unread.push(() => callback());
    },
  }) as unknown as Socket;
  socket.on('message', (message: unknown) => messages.push(message));
  const framed = new FrameSocket(socket, {
    maxFrameChars: 1_000,
    frameDeadlineMs: DEADLINE_MS,
    firstFrameTimeoutMs: FIRST_FRAME_MS,
    maxSendBufferBytes: 1_000_000,
    budget: new BufferBudget(10_000),
    onReject: (reason) => rejected.push(reason),
    ...options,
  });
  return {
    framed,
    socket,
    written,
    messages,
    rejected,
    /** The peer starts reading what was written to it. */
    read: () => unread.splice(0).forEach((taken) => taken()),
    send: (data: string | Buffer) => socket.emit('data', typeof data === 'string' ? Buffer.from(data) : data),
  };
}

const frame = (json: string) => `${json.length}#${json}`;

describe('FrameSocket', () => {
  describe('reading frames', () => {
    it('reads any messages however the bytes are cut, UTF-8 characters included, and holds nothing after', () => {
      const message = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }));
      fc.assert(
        fc.property(fc.array(message, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (sent, cuts) => {
          const budget = new BufferBudget(1_000_000);
          const peer = fakeConnection({ budget, maxFrameChars: 100_000 });
          const bytes = Buffer.from(sent.map((m) => frame(JSON.stringify(m))).join(''));
          const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].toSorted((a, b) => a - b);
          let from = 0;
          for (const to of [...at, bytes.length]) {
            peer.send(bytes.subarray(from, to));
            from = to;
          }
          expect(peer.messages).toEqual(sent.map((m) => JSON.parse(JSON.stringify(m))));
          expect(peer.rejected).toEqual([]);
          expect(budget.held).toBe(0);
          peer.socket.destroy();
        }),
      );
    });

    it.each([
      ['a length that is not a number', 'xx#{}', 'invalid-length'],
      ['a negative length', '-1#{}', 'invalid-length'],
      ['an empty length', '#{}', 'invalid-length'],
      ['17 digits without a delimiter', '12345678901234567', 'invalid-length'],
      ['another protocol, before any delimiter', 'GET / HTTP/1.1\r\n', 'invalid-length'],
      ['a declared length over the limit', '1001#{', 'frame-too-large'],
      ['a body that is not JSON', '5#{abc}', 'invalid-json'],
    ])('drops the connection at once on %s', (_case, bytes, reason) => {
      const peer = fakeConnection();
      peer.send(bytes);
      expect(peer.rejected).toEqual([reason]);
      peer.send(frame('{"after":true}'));
      expect(peer.messages).toEqual([]);
      expect(peer.socket.writableEnded || peer.socket.destroyed).toBe(true);
    });
  });

  describe('timers', () => {
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('drops a frame trickled a byte at a time at its deadline, counted from its first byte', () => {
      const peer = fakeConnection();
      const bytes = frame(JSON.stringify({ text: 'x'.repeat(100) }));
      for (let i = 0; i < 99; i++) {
        peer.send(bytes[i]);
        jest.advanceTimersByTime(10);
      }
      expect(peer.rejected).toEqual([]);
      jest.advanceTimersByTime(DEADLINE_MS - 99 * 10);
      expect(peer.rejected).toEqual(['frame-deadline']);
      expect(peer.socket.destroyed).toBe(true);
    });

    it('gives each frame its own deadline, starting when it begins', () => {
      const peer = fakeConnection();
      const one = frame('{"n":1}');
      peer.send(one.slice(0, 3));
      jest.advanceTimersByTime(DEADLINE_MS - 100);
      peer.send(one.slice(3) + frame('{"n":2}').slice(0, 3)); // frame 1 ends, frame 2 begins
      jest.advanceTimersByTime(DEADLINE_MS - 100);
      expect(peer.rejected).toEqual([]);
      expect(peer.messages).toEqual([{ n: 1 }]);
      jest.advanceTimersByTime(100);
      expect(peer.rejected).toEqual(['frame-deadline']);
    });

    it('drops a connection that completes no frame within firstFrameTimeoutMs', () => {
      const peer = fakeConnection();
      jest.advanceTimersByTime(FIRST_FRAME_MS - 1);
      expect(peer.rejected).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(peer.rejected).toEqual(['first-frame-timeout']);
    });

    it('never drops an idle connection that has completed a frame (a pooled client connection)', () => {
      const peer = fakeConnection();
      peer.send(frame('{"n":1}'));
      jest.advanceTimersByTime(FIRST_FRAME_MS * 100);
      expect(peer.rejected).toEqual([]);
      expect(peer.socket.destroyed).toBe(false);
    });

    it('has no first-frame timeout when it is 0', () => {
      const peer = fakeConnection({ firstFrameTimeoutMs: 0 });
      jest.advanceTimersByTime(FIRST_FRAME_MS * 100);
      expect(peer.rejected).toEqual([]);
    });
  });

  describe('the shared budget', () => {
    it('drops the connection whose data would exceed it, and the others keep theirs', () => {
      const budget = new BufferBudget(1_000);
      const first = fakeConnection({ budget });
      const second = fakeConnection({ budget });
      first.send(`900#${'x'.repeat(600)}`);
      second.send(`900#${'y'.repeat(300)}`);
      expect(second.rejected).toEqual([]);
      second.send('y'.repeat(101));
      expect(second.rejected).toEqual(['buffer-limit']);
      expect(first.rejected).toEqual([]);
      expect(budget.held).toBe(600);
      first.send('x'.repeat(300));
      expect(first.messages).toEqual([]); // 900 characters of x are not JSON...
      expect(first.rejected).toEqual(['invalid-json']); // ...and the frame was read whole
      expect(budget.held).toBe(0);
    });

    it('gives back what a connection held when it closes', async () => {
      const budget = new BufferBudget(1_000);
      const peer = fakeConnection({ budget });
      peer.send('500#{"a":');
      expect(budget.held).toBe(5);
      peer.socket.destroy();
      await new Promise((resolve) => peer.socket.once('close', resolve));
      expect(budget.held).toBe(0);
    });
  });

  describe('a peer that does not read its answers', () => {
    it('is not read from until it takes them, then its frames are handled in order', async () => {
      const peer = fakeConnection({}, { peerReads: false });
      peer.framed.sendMessage({ answer: 'x'.repeat(100_000) }); // over the socket's high-water mark (64 kB)
      peer.send(frame('{"n":1}') + frame('{"n":2}'));
      expect(peer.messages).toEqual([]);
      const drained = new Promise((resolve) => peer.socket.once('drain', resolve));
      peer.read();
      await drained;
      expect(peer.messages).toEqual([{ n: 1 }, { n: 2 }]);
      expect(peer.rejected).toEqual([]);
    });

    it('is dropped once more than maxSendBufferBytes of answers wait for it', () => {
      const peer = fakeConnection({ maxSendBufferBytes: 50_000 }, { peerReads: false });
      peer.framed.sendMessage({ answer: 'x'.repeat(30_000) });
      expect(peer.rejected).toEqual([]);
      peer.framed.sendMessage({ answer: 'x'.repeat(30_000) });
      expect(peer.rejected).toEqual(['send-buffer-full']);
      expect(peer.socket.destroyed).toBe(true);
    });
  });

  describe('sendMessage', () => {
    it("writes Nest's frame, length in characters", () => {
      const peer = fakeConnection();
      peer.framed.sendMessage({ id: '1', response: 'é' });
      // 25 characters; 26 bytes in UTF-8
      expect(peer.written).toEqual(['25#{"id":"1","response":"é"}']);
    });

    it('refuses to write once the connection was dropped', () => {
      const peer = fakeConnection();
      peer.send('xx#');
      const errors: unknown[] = [];
      peer.framed.sendMessage({ id: '1' }, (error) => errors.push(error));
      expect(peer.written).toEqual([]);
      expect(errors).toHaveLength(1);
    });
  });
});
