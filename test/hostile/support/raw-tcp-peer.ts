import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** A frame the server sent, as parsed JSON, with its length in characters. */
export interface ReceivedFrame {
  json: Record<string, unknown>;
  length: number;
}

/** Nest's TCP framing: `<length in JS characters>#<json>`. */
export function frame(json: string): string {
  return `${json.length}#${json}`;
}

/**
 * A bare TCP connection speaking (or breaking) Nest's framing by hand: writes whatever it is
 * given, parses the frames the server sends back, and records when the server closed it.
 */
export class RawTcpPeer {
  /** Every frame received, in order. */
  readonly frames: ReceivedFrame[] = [];
  private isClosed = false;
  private closedAt = 0;
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.once('close', () => {
      this.isClosed = true;
      this.closedAt = performance.now();
      this.notify();
    });
    socket.on('error', () => undefined); // EPIPE/ECONNRESET once the server hung up: expected here
    socket.on('data', (chunk: Buffer) => this.receive(this.decoder.write(chunk)));
  }

  static open(port: number): Promise<RawTcpPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawTcpPeer(socket));
      });
    });
  }

  get open(): boolean {
    return !this.isClosed;
  }

  /** Writes raw text; resolves once it is handed to the kernel. */
  write(text: string): Promise<void> {
    return new Promise((resolve) => this.socket.write(text, () => resolve()));
  }

  /** Sends `packet` as one well-formed frame. */
  send(packet: unknown): Promise<void> {
    return this.sendJson(JSON.stringify(packet));
  }

  /** Sends JSON text written by hand (e.g. with a `__proto__` key) as one well-formed frame. */
  sendJson(json: string): Promise<void> {
    return this.write(frame(json));
  }

  /** When the connection closed (`performance.now()`); rejects if it is still open after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<number> {
    return this.waitFor(() => (this.isClosed ? this.closedAt : undefined), 'close', timeoutMs, false);
  }

  /** The frame answering request `id`; rejects after `timeoutMs` or when the connection closes. */
  async reply(id: string, timeoutMs = 5_000): Promise<ReceivedFrame> {
    return this.waitFor(
      () => this.frames.find((received) => received.json.id === id),
      `reply to "${id}"`,
      timeoutMs,
      true,
    );
  }

  /** The `nth` frame (from 0) of the link handshake (`seam-link`) the server sent. */
  async linkFrame(nth = 0, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    return this.waitFor(
      () =>
        this.frames.filter((received) => 'seam-link' in received.json)[nth]?.json['seam-link'] as Record<
          string,
          unknown
        >,
      `link frame ${nth}`,
      timeoutMs,
      true,
    );
  }

  /** Sends a request and waits for its reply. */
  async call(packet: { id: string } & Record<string, unknown>, timeoutMs?: number): Promise<ReceivedFrame> {
    await this.send(packet);
    return this.reply(packet.id, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number, failOnClose: boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) return done(() => resolve(found));
        if (this.isClosed && failOnClose)
          return done(() => reject(new Error(`connection closed while waiting for ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const hash = this.buffer.indexOf('#');
      if (hash === -1) break;
      const length = Number(this.buffer.slice(0, hash));
      if (this.buffer.length < hash + 1 + length) break;
      const json = this.buffer.slice(hash + 1, hash + 1 + length);
      this.buffer = this.buffer.slice(hash + 1 + length);
      this.frames.push({ json: JSON.parse(json) as Record<string, unknown>, length });
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener(); // a listener may delete itself: Set iteration allows it
  }
}
