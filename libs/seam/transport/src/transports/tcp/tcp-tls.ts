import type { Server, Socket } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';

/**
 * Mutual TLS for every Seam TCP link of a process: the PEM texts (not file names) of this
 * process's certificate, its private key, and the CA that signs every certificate of the
 * deployment. One setting per process rather than per endpoint: a process has one identity, and
 * links that could be plain one by one would invite a silent downgrade of the one forgotten.
 */
export interface SeamTlsOptions {
  /** This process's private key (PEM). */
  key: string;
  /** This process's certificate chain (PEM), presented to servers and clients alike. */
  cert: string;
  /** The deployment's CA (PEM): peers must present a certificate it signed. */
  ca: string;
  /**
   * The name a server's certificate must carry (SAN DNS name or IP), when it is not the host the
   * endpoint names — e.g. one certificate per module, named after the module, behind a load
   * balancer address. Default: the endpoint's host.
   */
  serverName?: string;
}

/** TLS 1.2 is the floor: 1.0/1.1 are deprecated (RFC 8996). 1.3 is negotiated whenever both sides have it. */
const MIN_VERSION = 'TLSv1.2';

/** A TLS setting that cannot work, found before anything listens or connects. */
export class SeamTlsConfigError extends Error {
  override readonly name = 'SeamTlsConfigError';
}

const PEM = {
  key: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/,
  cert: /-----BEGIN CERTIFICATE-----/,
  ca: /-----BEGIN CERTIFICATE-----/,
} as const;

/**
 * Throws {@link SeamTlsConfigError} unless `tls` holds a PEM key, certificate and CA. The message
 * names the field and never quotes its content (it may be a key).
 */
export function checkTlsOptions(tls: unknown, option = 'tls'): SeamTlsOptions {
  if (typeof tls !== 'object' || tls === null) throw new SeamTlsConfigError(`Seam option ${option} must be an object`);
  const fields = tls as Record<string, unknown>;
  for (const field of ['key', 'cert', 'ca'] as const) {
    const value = fields[field];
    if (typeof value !== 'string' || !PEM[field].test(value))
      throw new SeamTlsConfigError(
        `Seam option ${option}.${field} must be PEM text (${PEM[field].source.slice(0, 25)}…)`,
      );
  }
  if (fields.serverName !== undefined && (typeof fields.serverName !== 'string' || fields.serverName === ''))
    throw new SeamTlsConfigError(`Seam option ${option}.serverName must be a non-empty string`);
  return tls as SeamTlsOptions;
}

/**
 * The `tlsOptions` of a Seam TCP server: only clients presenting a certificate the CA signed
 * complete the handshake (the connection is closed otherwise, before a byte of Seam framing is
 * read). Any such certificate is admitted: which caller may call what is decided above TLS.
 *
 * @param handshakeTimeoutMs how long a connection may take to complete its handshake (Node's
 * default is 120 s, which would let idle sockets hold connection slots long after the first-frame
 * timeout that applies once the handshake is done)
 */
export function tlsServerOptions(tls: SeamTlsOptions, handshakeTimeoutMs: number): TlsOptions {
  return {
    key: tls.key,
    cert: tls.cert,
    ca: tls.ca,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: MIN_VERSION,
    handshakeTimeout: handshakeTimeoutMs,
  };
}

/**
 * The `tlsOptions` of a Seam TCP client: it presents its certificate and accepts a server only if
 * the CA signed the server's certificate and that certificate names `host` (or `serverName`) in
 * its subject alternative names — Node's standard host-name check, so a certificate issued to
 * another module's host is refused even though the same CA signed it.
 */
export function tlsClientOptions(tls: SeamTlsOptions, host: string): ConnectionOptions {
  return {
    key: tls.key,
    cert: tls.cert,
    ca: tls.ca,
    rejectUnauthorized: true,
    minVersion: MIN_VERSION,
    // Node checks the certificate against `servername`, else the host connected to; SNI takes
    // host names only, so an IP is left to that fallback (checked against the IP SANs).
    servername: tls.serverName ?? (isIp(host) ? undefined : host),
  };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/**
 * Reports every connection to `server` whose TLS handshake fails (no certificate, one the CA did
 * not sign, plain TCP, a TLS version below 1.2) once, and closes those that have not completed
 * it within `timeoutMs` of connecting. Node's own `handshakeTimeout` only starts at the client's
 * first handshake message, so a peer that connects and sends nothing would otherwise hold a
 * connection slot (see `maxConnections`) for ever: Seam's first-frame timeout only starts once
 * the handshake is done.
 *
 * @param onFailure told the peer (`address:port`) and the reason of each failed handshake
 */
export function watchHandshakes(
  server: Server,
  timeoutMs: number,
  onFailure: (peer: string, reason: string) => void,
): void {
  const pending = new Map<string, NodeJS.Timeout>();
  /** Peers closed here: the reset that follows is the same failure, already reported. */
  const timedOut = new Set<string>();
  const peerOf = (socket: Socket) => `${socket.remoteAddress}:${socket.remotePort}`;
  server.on('connection', (raw: Socket) => {
    const peer = peerOf(raw);
    const timer = setTimeout(() => {
      pending.delete(peer);
      timedOut.add(peer);
      onFailure(peer, `no TLS handshake within ${timeoutMs} ms`);
      raw.destroy();
    }, timeoutMs);
    timer.unref();
    pending.set(peer, timer);
    raw.once('close', () => {
      clearTimeout(timer);
      if (pending.get(peer) === timer) pending.delete(peer);
      // Node reports the reset of a connection closed above after this, in the same turn or the next.
      setImmediate(() => timedOut.delete(peer));
    });
  });
  server.on('secureConnection', (socket: Socket) => {
    const peer = peerOf(socket);
    clearTimeout(pending.get(peer));
    pending.delete(peer);
  });
  server.on('tlsClientError', (error: Error, socket: Socket) => {
    const peer = peerOf(socket);
    clearTimeout(pending.get(peer));
    pending.delete(peer);
    if (!timedOut.has(peer)) onFailure(peer, error.message);
    // Node only reports a handshake timeout: the connection would stay open, holding its slot.
    socket.destroy();
  });
}
