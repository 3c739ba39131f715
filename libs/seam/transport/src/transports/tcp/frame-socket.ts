import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { TcpSocket } from '@nestjs/microservices';
import { NetSocketClosedException } from '@nestjs/microservices/errors/net-socket-closed.exception.js';
import type { BufferBudget } from './buffer-budget.js';
import type { TcpRejectionReason } from './tcp-rejections.js';

/** What a {@link FrameSocket} enforces, and whom it tells when it drops its connection. */
export interface FrameSocketOptions {
  /** Largest frame body, in characters. */
  maxFrameChars: number;
  /** Time to complete a frame, from its first byte. */
  frameDeadlineMs: number;
  /** Time to complete the first frame, from the connection (0: no limit). */
  firstFrameTimeoutMs: number;
  /** Most bytes queued for a peer that does not read its answers. */
  maxSendBufferBytes: number;
  /** Shared by every connection of the server. */
  budget: BufferBudget;
  onReject(reason: TcpRejectionReason, detail: string): void;
}

/** Nest's own limit for answers queued behind a peer that does not read (JsonSocket's default). */
export const DEFAULT_MAX_SEND_BUFFER_BYTES = 128 * 1024 * 1024;
/** More digits than any frame limit needs (the largest safe integer has 16). */
const MAX_LENGTH_DIGITS = 16;
/** After a graceful close, how long the peer has to close its side before the socket is destroyed. */
const LINGER_MS = 1_000;

class FrameRejection extends Error {
  constructor(
    readonly reason: TcpRejectionReason,
    message: string,
    /** Destroy at once: the peer cannot be trusted to answer a FIN (it already stopped talking). */
    readonly destroy: boolean,
  ) {
    super(message);
  }
}

/**
 * Nest's TCP framing (`<length in characters>#<json>`, unchanged on the wire) read with a deadline
 * per frame instead of Nest's idle timer: Nest's timer restarts on every read, so one byte every few
 * seconds keeps a half-sent frame, and its memory, forever. Here a frame must be complete within
 * `frameDeadlineMs` of its first byte; a new connection must complete one within
 * `firstFrameTimeoutMs`; what all connections hold is capped by a shared budget; a malformed length
 * or a declared length over the limit is refused as soon as it is read. Every drop is reported to
 * `onReject` (counted and rate-limit logged by the server) instead of being emitted as an error.
 * Reads pause while the peer is not taking its answers, as Nest's JsonSocket does.
 */
export class FrameSocket extends TcpSocket {
  private buffer = '';
  /** Body length of the frame being read; -1 while its length prefix is being read. */
  private expected = -1;
  private readonly decoder = new StringDecoder('utf8');
  /** This connection's share of the budget. */
  private held = 0;
  private frames = 0;
  private frameTimer?: NodeJS.Timeout;
  private firstFrameTimer?: NodeJS.Timeout;
  private backpressured = false;
  private dropped = false;

  constructor(
    socket: Socket,
    private readonly options: FrameSocketOptions,
  ) {
    super(socket);
    const { firstFrameTimeoutMs } = options;
    if (firstFrameTimeoutMs > 0) {
      this.firstFrameTimer = setTimeout(
        () =>
          this.drop(rejection('first-frame-timeout', `no complete frame ${firstFrameTimeoutMs} ms after connecting`)),
        firstFrameTimeoutMs,
      );
      this.firstFrameTimer.unref();
    }
    socket.on('close', () => this.release());
  }

  protected handleData(data: Buffer | string): void {
    if (this.dropped) return;
    this.buffer += typeof data === 'string' ? data : this.decoder.write(data);
    this.readAndAccount();
  }

  protected override handleDataError(error: unknown): void {
    this.drop(
      error instanceof FrameRejection
        ? error
        : new FrameRejection('invalid-json', String((error as Error)?.message ?? error), false),
    );
  }

  protected handleSend(message: unknown, callback?: (err?: unknown) => void): void {
    if (this.dropped || this.socket.destroyed || this.socket.writableEnded) {
      callback?.(new NetSocketClosedException());
      return;
    }
    let json: string;
    try {
      json = JSON.stringify(message);
    } catch (error) {
      // What the senders check before (size, depth) should make this unreachable; if it is not,
      // the one message fails, not the process (this runs in a promise's continuation: an
      // uncaught throw is an unhandled rejection, which ends Node).
      callback?.(error);
      return;
    }
    if (!this.socket.write(`${json.length}#${json}`, 'utf-8', callback)) this.pauseReading();
    const queued = this.socket.writableLength;
    if (queued > this.options.maxSendBufferBytes) {
      this.drop(rejection('send-buffer-full', `${queued} bytes of answers unread`));
    }
  }

  /** Handles the complete frames buffered, then re-arms the deadline and settles the budget. */
  private readAndAccount(): void {
    const framesBefore = this.frames;
    try {
      this.readFrames();
    } catch (error) {
      this.handleDataError(error);
      return;
    }
    if (this.dropped) return;
    if (this.frames > 0 && this.firstFrameTimer) {
      clearTimeout(this.firstFrameTimer);
      this.firstFrameTimer = undefined;
    }
    const partial = this.buffer.length > 0 || this.expected >= 0;
    if (!partial) {
      clearTimeout(this.frameTimer);
      this.frameTimer = undefined;
    } else if (this.frameTimer === undefined || this.frames !== framesBefore) {
      // A frame began in this read: its deadline starts now, and only now.
      this.armFrameDeadline();
    }
    if (!this.options.budget.resize(this.held, this.buffer.length)) {
      const { limit, held } = this.options.budget;
      this.drop(rejection('buffer-limit', `${this.buffer.length} characters would exceed ${limit} (held: ${held})`));
      return;
    }
    this.held = this.buffer.length;
  }

  private readFrames(): void {
    while (!this.backpressured && !this.dropped) {
      if (this.expected < 0) {
        const hash = this.buffer.indexOf('#');
        const length = lengthPrefix(this.buffer, hash === -1 ? this.buffer.length : hash);
        if (hash === -1) return;
        if (length > this.options.maxFrameChars) {
          throw new FrameRejection(
            'frame-too-large',
            `declared ${length} characters, limit ${this.options.maxFrameChars}`,
            false,
          );
        }
        this.expected = length;
        this.buffer = this.buffer.slice(hash + 1);
      }
      if (this.buffer.length < this.expected) return;
      const body = this.buffer.length === this.expected ? this.buffer : this.buffer.slice(0, this.expected);
      this.buffer = this.buffer.length === this.expected ? '' : this.buffer.slice(this.expected);
      this.expected = -1;
      this.frames += 1;
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch (error) {
        throw new FrameRejection('invalid-json', (error as Error).message, false);
      }
      this.socket.emit('message', message || {}); // Nest's reading of a falsy frame, kept for parity
    }
  }

  private armFrameDeadline(): void {
    clearTimeout(this.frameTimer);
    const { frameDeadlineMs } = this.options;
    this.frameTimer = setTimeout(() => {
      const held = this.buffer.length;
      this.drop(rejection('frame-deadline', `frame incomplete ${frameDeadlineMs} ms after it began (${held} held)`));
    }, frameDeadlineMs);
    this.frameTimer.unref();
  }

  /** Stops reading until the peer takes the answers queued for it (Nest's JsonSocket does the same). */
  private pauseReading(): void {
    if (this.backpressured) return;
    this.backpressured = true;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.backpressured = false;
      if (this.dropped) return;
      this.socket.resume();
      this.readAndAccount();
    });
  }

  /** Closes the connection for `reason`, once, and tells the server. */
  private drop(reason: FrameRejection): void {
    if (this.dropped) return;
    this.dropped = true;
    this.buffer = '';
    this.expected = -1;
    this.release();
    this.options.onReject(reason.reason, reason.message);
    if (reason.destroy) {
      this.socket.destroy();
      return;
    }
    // A graceful close lets answers already written leave first; a peer that never closes its
    // side is destroyed shortly after, so it cannot keep the connection half-open.
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  private release(): void {
    clearTimeout(this.frameTimer);
    clearTimeout(this.firstFrameTimer);
    this.frameTimer = undefined;
    this.firstFrameTimer = undefined;
    this.options.budget.resize(this.held, 0);
    this.held = 0;
  }
}

/**
 * The frame length written in `text` before `end` (the delimiter, or the end of what arrived so
 * far). Throws for anything but decimal digits, for no digits before a delimiter, and for more
 * digits than any limit has — so a peer speaking another protocol is refused at its first bytes.
 * A loop rather than a regular expression: it runs once per frame on the hot path.
 */
function lengthPrefix(text: string, end: number): number {
  const complete = end < text.length;
  if ((complete && end === 0) || end > MAX_LENGTH_DIGITS) throw invalidLength(text.slice(0, Math.min(end, 20)));
  let length = 0;
  for (let i = 0; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) throw invalidLength(text.slice(0, Math.min(end, 20)));
    length = length * 10 + digit;
  }
  return length;
}

function invalidLength(prefix: string): FrameRejection {
  return new FrameRejection('invalid-length', `length prefix ${JSON.stringify(prefix)}`, false);
}

/** A drop for a limit or a timeout: the peer is not talking sense, so no FIN is awaited. */
function rejection(reason: TcpRejectionReason, message: string): FrameRejection {
  return new FrameRejection(reason, message, true);
}
