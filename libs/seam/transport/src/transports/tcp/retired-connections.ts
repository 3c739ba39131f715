import type { TcpSocket, WritePacket } from '@nestjs/microservices';

/** Nest's table of calls awaiting a reply, by request id (one per client, whatever the socket). */
export type RoutingMap = Map<string, (packet: WritePacket) => unknown>;

/**
 * The connections of a TCP client whose server is stopping (it said so with a go-away frame or a
 * `shutting-down` refusal): nothing new is sent on them, the answers they owe still arrive on
 * them, and each is ended once it has them all. Their calls live in the client's one routing
 * table beside the current connection's, so they are kept apart here: Nest fails every call of
 * the table when its current socket closes — a new connection refused, say — and the calls a
 * retired connection owes must not fail with it, nor outlive it.
 */
export class RetiredConnections {
  private readonly sockets = new Set<TcpSocket>();
  /** Ids of the calls the retired connections still owe an answer. */
  private readonly owed = new Set<string>();

  constructor(private readonly routingMap: RoutingMap) {}

  /** Retires `socket`, which owes every call of the routing table now (none is on another socket). */
  add(socket: TcpSocket): void {
    this.sockets.add(socket);
    const owedHere = new Set(this.routingMap.keys());
    const settled = (id: string) => {
      owedHere.delete(id);
      this.owed.delete(id);
      if (owedHere.size === 0) socket.end();
    };
    for (const id of owedHere) {
      this.owed.add(id);
      const callback = this.routingMap.get(id)!;
      this.routingMap.set(id, (packet: WritePacket) => {
        callback(packet);
        if (packet.isDisposed || packet.err) settled(id);
      });
    }
    if (owedHere.size === 0) socket.end();
    socket.on('close', () => {
      this.sockets.delete(socket);
      const closed = new Error('Connection closed');
      for (const id of owedHere) {
        this.owed.delete(id);
        const callback = this.routingMap.get(id);
        this.routingMap.delete(id);
        callback?.({ err: closed } as WritePacket);
      }
    });
  }

  /** Runs Nest's close handling of the current socket with the retired connections' calls set aside. */
  sparing(handleClose: () => void): void {
    if (this.owed.size === 0) return handleClose();
    const kept = [...this.owed].flatMap((id) => {
      const callback = this.routingMap.get(id);
      this.routingMap.delete(id);
      return callback ? [[id, callback] as const] : [];
    });
    try {
      handleClose();
    } finally {
      for (const [id, callback] of kept) this.routingMap.set(id, callback);
    }
  }

  /** Ends every retired connection (the client is closing). */
  endAll(): void {
    for (const socket of this.sockets) socket.end();
    this.sockets.clear();
  }
}
