import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/**
 * Starts a service's HTTP listener (`/health`, `/metrics`) on `port`, bound on `host` — what
 * `serviceHttpHost` made of `SEAM_HTTP_HOST`, read with the rest of the configuration so that a
 * bad value fails the start before anything serves.
 *
 * @returns the address the server is bound to, as the operating system reports it.
 * @throws whatever `listen` throws (the port is taken, the address is not this machine's).
 */
export async function listenForHealth(
  app: Pick<INestApplication, 'listen' | 'getHttpServer'>,
  port: number,
  host: string,
): Promise<AddressInfo> {
  await app.listen(port, host);
  return (app.getHttpServer() as { address(): AddressInfo }).address();
}
