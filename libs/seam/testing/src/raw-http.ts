import { connect } from 'node:net';

/**
 * Sends `bytes` as they are on a new TCP connection to the host and port of `url` (an HTTP base
 * URL) and answers everything the server wrote before the connection closed (latin1): for requests
 * no HTTP client would send — a malformed request line, oversized headers — and the exact bytes a
 * server answers them with.
 * Rejects on a connection error; the server must close the connection (as it does after refusing).
 * With `end`, the client's side is closed after `bytes` (a request cut short).
 */
export function rawHttpExchange(url: string, bytes: string, options: { end?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // URL keeps an IPv6 host in brackets; connect takes it bare.
    const socket = connect(Number(port), hostname.replace(/^\[(.*)\]$/, '$1'));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    if (options.end) socket.end(bytes);
    else socket.write(bytes);
  });
}
