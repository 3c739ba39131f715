import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { endpointKey, type ResolvedSeamOptions, SEAM_OPTIONS, startSeamServers } from '@seam/transport';
import { AppModule } from './app.module.js';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a TCP port number, got "${process.env.PORT}"`);

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks();
await startSeamServers(app);
await app.listen(port);

const logger = new Logger('Monolith');
const seam = app.get<ResolvedSeamOptions>(SEAM_OPTIONS);
const url = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
logger.log(`Listening on ${url} — try ${url}/api/greetings?name=Ada, then ${url}/api/guestbook`);
for (const module of [...new Set([...seam.hosted, ...Object.keys(seam.endpoints)])].toSorted()) {
  const endpoint = seam.endpoints[module];
  const where = !seam.hosted.includes(module)
    ? `remote, at ${endpointKey(endpoint!)}`
    : endpoint
      ? `in this process, also served at ${endpointKey(endpoint)}`
      : 'in this process (in-process transport)';
  logger.log(`module ${module}: ${where}`);
}
