import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { eventually } from '@seam/testing';
import { startSeamServers } from '@seam/transport';
import { AppModule } from '../../apps/monolith/src/app.module.js';

describe('monolith over HTTP', () => {
  let app: INestApplication;
  let baseUrl: string;

  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await startSeamServers(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('GET /api/greetings', () => {
    it('answers a greeting', async () => {
      await expect(get('/api/greetings?name=Ada')).resolves.toEqual({ status: 200, body: { greeting: 'Hello, Ada!' } });
      await expect(get('/api/greetings?name=Ada&language=fr')).resolves.toEqual({ status: 200, body: { greeting: 'Bonjour, Ada\u202F!' } });
    });

    it('answers 400 naming the field when the name is missing', async () => {
      const { status, body } = await get('/api/greetings');
      expect(status).toBe(400);
      expect(body).toMatchObject({ status: 400, code: 'VALIDATION' });
      expect((body.fields as { path: string }[]).map((field) => field.path)).toEqual(['name']);
    });
  });

  describe('GET /api/guestbook', () => {
    it('lists the greetings answered before, newest first', async () => {
      await get('/api/greetings?name=Grace');
      await get('/api/greetings?name=Barbara');
      const { body } = await eventually(async () => {
        const listed = await get('/api/guestbook?limit=2');
        expect(listed.status).toBe(200);
        expect((listed.body.entries as { name: string }[]).map((entry) => entry.name)).toEqual(['Barbara', 'Grace']);
        return listed;
      });
      expect((body.entries as unknown[])[0]).toEqual({ name: 'Barbara', greeting: 'Hello, Barbara!', at: expect.any(String) });
    });

    it('answers 400 for a limit that is not an integer from 1 to 100', async () => {
      for (const limit of ['0', 'ten']) {
        const { status, body } = await get(`/api/guestbook?limit=${limit}`);
        expect(status).toBe(400);
        expect((body.fields as { path: string }[]).map((field) => field.path)).toEqual(['limit']);
      }
    });
  });
});
