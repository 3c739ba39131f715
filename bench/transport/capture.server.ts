import { type CustomTransportStrategy, Server } from '@nestjs/microservices';

/**
 * A transport that never listens: it only keeps the handlers Nest builds, so the benchmark can
 * call Nest's handler pipeline (guards, pipes, interceptors, filters wrapping the method) directly.
 */
export class CaptureServer extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }

  close(): void {}

  on(): void {}

  unwrap<T>(): T {
    return this.messageHandlers as T;
  }
}
