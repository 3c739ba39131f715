import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@seam/testing';

type Mode = 'forward' | 'hold' | 'reset';

/**
 * A TCP proxy in front of a Redis, for putting Redis out of reach of some processes only and
 * telling how many times they tried: `forward` passes bytes both ways; `hold` accepts new
 * connections but passes nothing until forwarding resumes (a slow network or handshake); `reset`
 * resets every connection, open or new, and counts the new ones (a Redis that is down).
 */
export class RedisProxy {
  private mode: Mode = 'forward';
  private readonly open = new Set<Socket>();
  private readonly held: Socket[] = [];
  /** Connections reset on arrival since the last {@link cut}. */
  refused = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly redisPort: number,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(redisPort: number): Promise<RedisProxy> {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return new RedisProxy(server, port, redisPort);
  }

  /** `redis://127.0.0.1:<port>`: Redis, through this proxy. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Connections accepted and held (see {@link hold}). */
  get holding(): number {
    return this.held.length;
  }

  /** From now on, new connections wait until {@link forward}. */
  hold(): void {
    this.mode = 'hold';
  }

  /** Resets every open connection and, until {@link forward}, every new one. */
  cut(): void {
    this.mode = 'reset';
    this.refused = 0;
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
  }

  /** Passes bytes again, starting with the connections held. */
  forward(): void {
    this.mode = 'forward';
    for (const socket of this.held.splice(0)) this.pipe(socket);
  }

  async stop(): Promise<void> {
    for (const socket of [...this.open, ...this.held]) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (this.mode === 'reset') {
      this.refused++;
      socket.resetAndDestroy();
    } else if (this.mode === 'hold') {
      socket.pause(); // what arrives meanwhile waits in the socket
      this.held.push(socket);
    } else {
      this.pipe(socket);
    }
  }

  private pipe(socket: Socket): void {
    const upstream = createConnection(this.redisPort, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.open.delete(socket);
      upstream.destroy();
    });
    upstream.on('close', () => socket.destroy());
    this.open.add(socket);
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
  }
}
