import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SHUTDOWN_DEADLINE_MS, ShutdownBudget } from '@seam/runtime';
import { UnavailableError } from '@seam/transport';

/**
 * Stops the HTTP server gracefully: requests in flight finish, nothing new starts, and the
 * process does not wait for idle keep-alive connections.
 *
 * Why it is needed: Nest 12's `app.close()` calls `server.close()`, which waits for every open
 * connection. Node 20 closes the idle keep-alive ones at that moment, but a connection busy with a
 * request stays open after its response, until the client's keep-alive timeout (measured: ~6 s
 * for a Node client) — or Nest's `forceCloseConnections` destroys every connection at once, in
 * flight or not. So, when shutdown begins, responses not yet sent get `Connection: close`, each
 * connection is closed as soon as it is idle, and requests that arrive on a kept-alive connection
 * meanwhile get a 503. A request still receiving its body then has its connection closed at once:
 * a client that has not finished sending by now cannot be answered in time, and would hold the
 * drain to its end. After the grace period — the `work` share of the process's shutdown budget,
 * which leaves the rest for closing the modules and their databases — whatever is left is closed.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('HttpDrain');
  private readonly inFlight = new Set<ServerResponse>();
  private draining?: Server;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Express middleware, installed before any other: tracks requests, refuses new ones while draining. */
  readonly middleware = (
    _request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ): void => {
    if (this.draining) {
      response.setHeader('Connection', 'close');
      next(new UnavailableError('The server is shutting down'));
      return;
    }
    this.inFlight.add(response);
    response.once('close', () => {
      this.inFlight.delete(response);
      // The socket turns idle once Node has finished with the response, a tick later.
      const server = this.draining;
      if (server) setImmediate(() => server.closeIdleConnections());
    });
    next();
  };

  /**
   * Nest calls this before closing the HTTP server (it then waits for open connections). A signal
   * has usually begun the drain already (main.ts, with the time its shutdown budget gives).
   */
  beforeApplicationShutdown(): void {
    this.begin(this.adapterHost.httpAdapter.getHttpServer() as Server);
  }

  /**
   * Starts draining `server` (once; later calls do nothing): requests still receiving their body
   * are cut off now, connections left after `graceMs` are destroyed (default: the `work` share of
   * {@link SHUTDOWN_DEADLINE_MS}, as if the shutdown began now).
   */
  begin(server: Server, graceMs = new ShutdownBudget(SHUTDOWN_DEADLINE_MS).remainingFor('work')): void {
    if (this.draining) return;
    this.draining = server;
    let cutOff = 0;
    for (const response of this.inFlight) {
      if (!response.req.complete) {
        response.req.socket.destroy();
        cutOff++;
      } else if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    if (cutOff > 0) this.logger.log(`Closed ${cutOff} connection(s) still sending a request body`);
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  }
}
