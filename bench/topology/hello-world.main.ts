/**
 * The ceiling of the topology benchmark: a bare Nest app on the edge's HTTP adapter
 * (@nestjs/platform-express) with one GET endpoint and nothing else — no guards, pipes,
 * validation, logging or database. Listens on PORT (0: any) and prints the line
 * `TopologyProcesses` waits for from the monolith.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { HelloModule } from './hello.module.js';

const app = await NestFactory.create<NestExpressApplication>(HelloModule, { logger: false });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.stdout.write(`Listening on http://localhost:${(app.getHttpServer().address() as AddressInfo).port}\n`);
