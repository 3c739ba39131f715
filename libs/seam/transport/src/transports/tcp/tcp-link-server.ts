import type { Socket } from 'node:net';
import type { TcpSocket } from '@nestjs/microservices';
import { authRejections } from '../../auth/auth-rejections.js';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { acceptLink, type AuthenticatedLink, LINK_FRAME_KEY, newChallenge } from '../../auth/link-auth.js';
import { tlsBinding } from './tcp-link-binding.js';

interface LinkState {
  readonly challenge: string;
  link?: AuthenticatedLink;
}

/**
 * The server's side of TCP link authentication: every new connection is sent a challenge; a Seam
 * client answers with proofs under the pair keys (`acceptLink`), after which the envelopes it
 * sends need no signature of their own — the connection proves who sends them. A connection that
 * never proves anything may still send envelopes signed one by one (a stock Nest client with
 * `seamCredentials`); a wrong proof closes the connection.
 */
export class TcpLinkGate {
  private readonly states = new WeakMap<TcpSocket, LinkState>();

  constructor(
    private readonly auth: EnvelopeAuth,
    private readonly hosted: ReadonlySet<string>,
  ) {}

  /** Sends the challenge of a new connection (a stock client ignores a frame without an id). */
  open(socket: TcpSocket): void {
    const challenge = newChallenge(this.hosted);
    this.states.set(socket, { challenge: challenge.challenge });
    socket.sendMessage({ [LINK_FRAME_KEY]: challenge });
  }

  /**
   * Handles `message` when it is a link frame (returns `true`: nothing else is to be done with it).
   * A proof is taken once per connection: a second one, a wrong one or one that proves nothing
   * closes the connection, counted as `link-refused`.
   */
  handle(socket: TcpSocket, message: unknown): boolean {
    if (typeof message !== 'object' || message === null || !(LINK_FRAME_KEY in message)) return false;
    const state = this.states.get(socket);
    const netSocket = socket.netSocket as Socket;
    const accepted =
      state && !state.link
        ? acceptLink(
            this.auth.keys,
            this.hosted,
            state.challenge,
            (message as Record<string, unknown>)[LINK_FRAME_KEY],
            tlsBinding(netSocket),
          )
        : undefined;
    if (!accepted) {
      authRejections.record(
        'link-refused',
        'unknown',
        `tcp link from ${netSocket.remoteAddress}:${netSocket.remotePort}`,
      );
      // Said before closing, so that a Seam client with the wrong keys fails as UNAUTHENTICATED, not UNAVAILABLE.
      socket.sendMessage({ [LINK_FRAME_KEY]: { v: 1, refused: true } });
      hangUp(netSocket);
      return true;
    }
    state!.link = accepted.link;
    socket.sendMessage({ [LINK_FRAME_KEY]: accepted.accept });
    return true;
  }

  /** The pairs `socket` has proven, if it has. */
  linkOf(socket: TcpSocket): AuthenticatedLink | undefined {
    return this.states.get(socket)?.link;
  }

  /**
   * Closes a connection that has proven no link once one of its envelopes is refused as
   * unauthenticated (after the refusal it was sent). Without this, a peer holding no key kept its
   * connection for good by sending one frame (the first-frame timeout stops only silent peers):
   * a thousand such connections filled `maxConnections` and shut every honest caller out. A stock
   * Nest client signing with `seamCredentials` loses its connection only when an envelope of its
   * own is refused, and connects again for its next call.
   */
  refusedUnproven(socket: TcpSocket): void {
    if (this.linkOf(socket)) return;
    hangUp(socket.netSocket as Socket);
  }
}

/** Ends a connection, letting what was written to it leave first, and destroys it if the peer lingers. */
function hangUp(netSocket: Socket): void {
  netSocket.end();
  setTimeout(() => netSocket.destroy(), 1_000).unref();
}
