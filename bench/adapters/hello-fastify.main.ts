/**
 * The ceiling of `bench:adapters` on Fastify: bench/topology/hello-world.main.ts's bare Nest app
 * (one GET endpoint answering a constant object, nothing else) on @nestjs/platform-fastify.
 * Listens on PORT (0: any) and prints `Listening on http://localhost:<port>`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { HelloModule } from '../topology/hello.module.js';

const app = await NestFactory.create<NestFastifyApplication>(HelloModule, new FastifyAdapter(), { logger: false });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.stdout.write(`Listening on http://localhost:${(app.getHttpServer().address() as AddressInfo).port}\n`);
