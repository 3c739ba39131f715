import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ErrorCode } from '../errors/error-codes.js';
import {
  DeadlineExceededError,
  NotFoundError,
  type SeamError,
  UnavailableError,
  type WireError,
} from '../errors/seam-error.js';
import type { OutgoingPacket, ReplyCallback, SeamTransportClient } from '../transports/transport-client.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import { OutgoingCall } from './outgoing-call.js';

const BUDGET_MS = 1_000;
const PACKET: OutgoingPacket = {
  pattern: 'orders.place-order',
  data: { sku: 'A-1' },
  metadata: {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'seam-caller': 'edge',
    'seam-budget-ms': '1000',
  },
};

/** A transport that records requests and lets the test answer them. */
class FakeTransport implements SeamTransportClient {
  readonly endpoint = 'fake://';
  readonly pendingCount = 0;
  readonly requests: Array<{ packet: OutgoingPacket; reply: ReplyCallback }> = [];
  teardowns = 0;

  request(packet: OutgoingPacket, reply: ReplyCallback): () => void {
    this.requests.push({ packet, reply });
    return () => void this.teardowns++;
  }

  async publishEvent(): Promise<void> {}

  async close(): Promise<void> {}

  /** Answers the only request, as the transport would. */
  answer(error: WireError | SeamError | undefined, response?: unknown): void {
    if (this.requests.length !== 1) throw new Error(`expected one request, got ${this.requests.length}`);
    this.requests[0]!.reply(error, response);
  }
}

describe('OutgoingCall', () => {
  let transport: FakeTransport;
  let resolve: jest.Mock<(value: unknown) => void>;
  let reject: jest.Mock<(error: SeamError) => void>;

  beforeEach(() => {
    jest.useFakeTimers();
    transport = new FakeTransport();
    resolve = jest.fn<(value: unknown) => void>();
    reject = jest.fn<(error: SeamError) => void>();
    new OutgoingCall(PACKET, BUDGET_MS, new DeadlineScheduler(), resolve, reject).start(transport);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('start', () => {
    it('hands the packet to the transport once, unchanged', () => {
      expect(transport.requests).toHaveLength(1);
      expect(transport.requests[0]!.packet).toBe(PACKET);
      expect(resolve).not.toHaveBeenCalled();
      expect(reject).not.toHaveBeenCalled();
    });
  });

  describe('reply', () => {
    it('resolves with the response', () => {
      transport.answer(undefined, { orderId: 'o-1' });
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(resolve).toHaveBeenCalledWith({ orderId: 'o-1' });
      expect(reject).not.toHaveBeenCalled();
    });

    it('resolves with an undefined response (a void handler)', () => {
      transport.answer(undefined);
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(resolve).toHaveBeenCalledWith(undefined);
    });

    it('rejects a wire error with an instance of its class, keeping message and details', () => {
      transport.answer({ code: 'NOT_FOUND', message: 'No order o-9', details: { orderId: 'o-9' } });
      expect(reject).toHaveBeenCalledTimes(1);
      const error = reject.mock.calls[0]![0];
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('No order o-9');
      expect(error.details).toEqual({ orderId: 'o-9' });
      expect(resolve).not.toHaveBeenCalled();
    });

    it('rejects with the very SeamError a transport raised itself', () => {
      const unavailable = new UnavailableError('Connection closed', { endpoint: 'fake://' });
      transport.answer(unavailable);
      expect(reject).toHaveBeenCalledWith(unavailable);
    });

    it('ignores a second reply', () => {
      transport.answer(undefined, 'first');
      transport.answer(undefined, 'second');
      transport.answer({ code: ErrorCode.Conflict, message: 'late', details: {} });
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(resolve).toHaveBeenCalledWith('first');
      expect(reject).not.toHaveBeenCalled();
    });

    it('cancels the deadline: nothing happens once the budget has passed', () => {
      transport.answer(undefined, 'done');
      jest.advanceTimersByTime(BUDGET_MS * 10);
      expect(reject).not.toHaveBeenCalled();
      expect(transport.teardowns).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('expire', () => {
    it('does not give up before the budget has passed', () => {
      jest.advanceTimersByTime(BUDGET_MS - 1);
      expect(reject).not.toHaveBeenCalled();
      expect(transport.teardowns).toBe(0);
    });

    it('rejects with DeadlineExceededError once the budget has passed and tears the call down once', () => {
      jest.advanceTimersByTime(BUDGET_MS);
      expect(reject).toHaveBeenCalledTimes(1);
      const error = reject.mock.calls[0]![0];
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(error.message).toContain('orders.place-order');
      expect(error.details).toEqual({ pattern: 'orders.place-order', budgetMs: BUDGET_MS });
      expect(transport.teardowns).toBe(1);
      jest.advanceTimersByTime(BUDGET_MS * 10);
      expect(reject).toHaveBeenCalledTimes(1);
      expect(transport.teardowns).toBe(1);
    });

    it('ignores a reply that arrives after the deadline', () => {
      jest.advanceTimersByTime(BUDGET_MS);
      transport.answer(undefined, 'too late');
      transport.answer({ code: ErrorCode.NotFound, message: 'too late', details: {} });
      expect(resolve).not.toHaveBeenCalled();
      expect(reject).toHaveBeenCalledTimes(1);
      expect(reject.mock.calls[0]![0]).toBeInstanceOf(DeadlineExceededError);
    });

    it('does nothing when called after the call settled', () => {
      const call = new OutgoingCall(PACKET, BUDGET_MS, new DeadlineScheduler(), resolve, reject);
      const other = new FakeTransport();
      call.start(other);
      other.answer(undefined, 'answered');
      call.expire();
      expect(resolve).toHaveBeenCalledWith('answered');
      expect(reject).not.toHaveBeenCalled();
      expect(other.teardowns).toBe(0);
    });
  });
});
