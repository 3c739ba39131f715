import { afterEach, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { listenForHealth } from './http-listener.js';
import { serviceHttpHost } from './listen-host.js';

@Module({})
class EmptyModule {}

describe('listenForHealth', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (env: NodeJS.ProcessEnv) => {
    app = await NestFactory.create(EmptyModule, { logger: false, abortOnError: false });
    return listenForHealth(app, 0, serviceHttpHost(env));
  };

  it('binds loopback by default: the server is not on every interface', async () => {
    const bound = await start({});
    expect(bound.address).toBe('127.0.0.1');
    expect(bound.port).toBeGreaterThan(0);
    expect(app!.getHttpServer().address()).toEqual(bound);
  });

  it('binds every interface when SEAM_HTTP_HOST says 0.0.0.0', async () => {
    expect((await start({ SEAM_HTTP_HOST: '0.0.0.0' })).address).toBe('0.0.0.0');
  });

  it('fails the start for an address that is not this machine, instead of binding elsewhere', async () => {
    // TEST-NET-1 (RFC 5737): never assigned to a local interface.
    await expect(start({ SEAM_HTTP_HOST: '192.0.2.1' })).rejects.toThrow(/EADDRNOTAVAIL/);
  });
});
