import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { UnavailableError } from '@seam/transport';
import { REQUEST_BUDGET_MS } from '../context/edge-call.js';

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
 * meanwhile get a 503. After {@link REQUEST_BUDGET_MS} — when every request has run out of
 * time anyway — whatever is left is closed.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
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

  /** Nest calls this before closing the HTTP server (it then waits for open connections). */
  beforeApplicationShutdown(): void {
    this.begin(this.adapterHost.httpAdapter.getHttpServer() as Server);
  }

  /** Starts draining `server`; connections left after `graceMs` are destroyed. */
  begin(server: Server, graceMs = REQUEST_BUDGET_MS): void {
    if (this.draining) return;
    this.draining = server;
    for (const response of this.inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  }
}
