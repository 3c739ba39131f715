import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * What binds a link proof to its TLS session: 32 bytes of keying material exported from it
 * (RFC 5705 / RFC 8446 §7.5, the same on both ends and on no other session), hex; empty on plain
 * TCP. A proof made for one TLS session is worthless on another, so a peer that terminates TLS
 * cannot relay it.
 */
export function tlsBinding(socket: Socket | undefined): string {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (typeof tls?.exportKeyingMaterial !== 'function') return '';
  return tls.exportKeyingMaterial(32, 'EXPORTER-seam-link-v1', Buffer.alloc(0)).toString('hex');
}
