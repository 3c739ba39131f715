import type { Socket } from 'node:net';
import type { TcpSocket } from '@nestjs/microservices';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { type AuthenticatedLink, LINK_FRAME_KEY, proveLink } from '../../auth/link-auth.js';
import { UnauthenticatedError, UnavailableError } from '../../errors/seam-error.js';
import { tlsBinding } from './tcp-link-binding.js';

/** How long a new connection may take to be challenged and accepted (generous: loaded machines stall). */
export const DEFAULT_LINK_TIMEOUT_MS = 10_000;

interface Handshake {
  readonly socket: TcpSocket;
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  check?: (accept: unknown) => AuthenticatedLink | undefined;
  link?: AuthenticatedLink;
  timer?: NodeJS.Timeout;
}

/** Whether a frame is part of a link handshake (rather than a reply). */
export function isLinkFrame(frame: unknown): frame is Record<typeof LINK_FRAME_KEY, unknown> {
  return typeof frame === 'object' && frame !== null && LINK_FRAME_KEY in frame;
}

/**
 * The client's side of TCP link authentication (see `TcpLinkGate`): answers the server's
 * challenge with proofs under this process's pair keys and checks the server's own proofs, so
 * that each side knows who is at the other end before a request leaves. One handshake per
 * connection; requests wait for it, then carry no signature of their own.
 */
export class TcpLinkClient {
  private current?: Handshake;

  /**
   * @param modules the modules the topology places at `endpoint` (and not in this process): the
   *   only ones this client proves pairs for, whatever the server's challenge lists (see `proveLink`)
   */
  constructor(
    private readonly auth: EnvelopeAuth,
    private readonly endpoint: string,
    private readonly modules: ReadonlySet<string>,
    private readonly timeoutMs = DEFAULT_LINK_TIMEOUT_MS,
  ) {}

  /** Resolves once `socket` is authenticated; rejects with `UnauthenticatedError` if it cannot be. */
  ready(socket: TcpSocket): Promise<void> {
    const handshake = this.handshakeOf(socket);
    if (!handshake.timer && !handshake.link) {
      handshake.timer = setTimeout(
        () => this.fail(handshake, `${this.endpoint} sent no link challenge or answer within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      handshake.timer.unref();
    }
    return handshake.done;
  }

  /** Takes a link frame that arrived on `socket` (the client's current socket). */
  receive(socket: TcpSocket | null, frame: Record<typeof LINK_FRAME_KEY, unknown>): void {
    if (!socket) return;
    const handshake = this.handshakeOf(socket);
    const body = frame[LINK_FRAME_KEY] as { challenge?: unknown; proofs?: unknown; refused?: unknown } | null;
    if (handshake.link) return; // the link is settled: a late or repeated frame changes nothing
    if (!handshake.check && typeof body?.challenge === 'string') {
      const answer = proveLink(this.auth.keys, body, tlsBinding(socket.netSocket as Socket), this.modules);
      if (!answer) return this.fail(handshake, this.nothingToProve(body));
      handshake.check = answer.check;
      socket.sendMessage({ [LINK_FRAME_KEY]: answer.proof });
      return;
    }
    const link = handshake.check?.(body);
    if (!link) return this.fail(handshake, `${this.endpoint} refused this process's link proof or proved nothing`);
    handshake.link = link;
    clearTimeout(handshake.timer);
    handshake.resolve();
  }

  private handshakeOf(socket: TcpSocket): Handshake {
    if (this.current?.socket === socket) return this.current;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const done = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
    // Nobody may be waiting yet (the challenge can arrive first): a failure must not go unhandled.
    done.catch(() => undefined);
    const handshake: Handshake = { socket, done, resolve, reject };
    // A connection closed before the link is settled (the server full, restarting, or gone) is
    // unavailable, not unauthenticated, and the calls waiting on it must learn so now rather
    // than when the link timer runs out.
    const closed = () => {
      if (handshake.link) return;
      clearTimeout(handshake.timer);
      handshake.reject(
        new UnavailableError(`${this.endpoint} is unavailable: connection closed while authenticating`, {
          endpoint: this.endpoint,
        }),
      );
    };
    const netSocket = socket.netSocket as Socket | undefined;
    if (netSocket?.destroyed) closed();
    else netSocket?.once('close', closed);
    this.current = handshake;
    return handshake;
  }

  private nothingToProve(challenge: object): string {
    const { modules } = challenge as { modules?: unknown };
    const offered: unknown[] = Array.isArray(modules) ? modules : [];
    const expected = [...this.modules].toSorted().join(', ');
    return offered.some((module) => this.modules.has(module as string))
      ? `this process shares no mesh key with the modules at ${this.endpoint}`
      : `${this.endpoint} does not host what the topology places there (${expected || 'nothing'})`;
  }

  private fail(handshake: Handshake, reason: string): void {
    clearTimeout(handshake.timer);
    handshake.reject(new UnauthenticatedError(`TCP link not authenticated: ${reason}`, { reason: 'link-refused' }));
    (handshake.socket.netSocket as Socket | undefined)?.destroy();
  }
}
