/**
 * A benchmark callee in its own process. Argument: `stock-tcp <port>`, `stock-redis <url>`,
 * `seam-tcp <port>`, `seam-redis <url>`, or `seam-tcp-auth <port>` / `seam-redis-auth <url>` (envelopes
 * authenticated), or `seam-redis-acl <url>` (callers vouched for by Redis ACL users, see acl-redis.ts). Prints READY once serving.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { type Endpoint, startSeamServers } from '@seam/transport';
import { SeamCalleeModule, StockCalleeModule } from './bench-apps.js';
import { benchAuth } from './bench-mesh.js';
import { benchAclSecurity } from './acl-redis.js';

const [kind, address] = process.argv.slice(2);
const quiet = { logger: ['error' as const] };

if (kind === 'stock-tcp') {
  const app = await NestFactory.createMicroservice(StockCalleeModule, {
    transport: Transport.TCP,
    options: { port: Number(address) },
    ...quiet,
  });
  await app.listen();
} else if (kind === 'stock-redis') {
  const { hostname, port } = new URL(address!);
  const app = await NestFactory.createMicroservice(StockCalleeModule, {
    transport: Transport.REDIS,
    options: { host: hostname, port: Number(port) },
    ...quiet,
  });
  await app.listen();
} else {
  const endpoint: Endpoint =
    kind === 'seam-tcp' || kind === 'seam-tcp-auth'
      ? { transport: 'tcp', host: '127.0.0.1', port: Number(address) }
      : { transport: 'redis', url: address! };
  const acl = kind === 'seam-redis-acl';
  const app = await NestFactory.create(
    SeamCalleeModule.with({
      hosted: ['bench'],
      endpoints: { bench: endpoint },
      ...((kind?.endsWith('-auth') || acl) && { auth: benchAuth('bench') }),
      ...(acl && { redis: benchAclSecurity('callee') }),
    }),
    quiet,
  );
  await startSeamServers(app);
  await app.init();
}
process.stdout.write('READY\n');
// A clean exit on SIGTERM (so that --cpu-prof can write its profile when profiling a callee).
process.once('SIGTERM', () => process.exit(0));
