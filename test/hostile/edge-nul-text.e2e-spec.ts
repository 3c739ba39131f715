import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { type DatabaseTarget, postgresTarget, sqliteTarget } from '../e2e/support/database-targets.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { errorPaths, expectProblem, ShopClient, unique } from '../e2e/support/shop-client.js';

/**
 * U+0000 in text, sent by anyone. PostgreSQL refuses it in a text parameter (a 500), and a 500
 * counts as the module's failure for its circuit breaker: a dozen anonymous requests opened
 * catalog's or identity's breaker and the module answered 503 to everyone. SQLite took it, and
 * `?q=%00` matched every product. The edge refuses it as bad input, naming the field.
 */
function nulTextSuite(target: DatabaseTarget): void {
  const suite = target.skipReason ? describe.skip : describe;
  suite(
    `U+0000 in request text, on ${target.title}${target.skipReason ? ` — skipped: ${target.skipReason}` : ''}`,
    () => {
      let monolith: E2eMonolith;
      let drop: () => Promise<void>;
      const shop = new ShopClient(() => monolith.server);

      beforeAll(async () => {
        const database = await target.create();
        drop = () => database.drop();
        monolith = await E2eMonolith.start(database.config);
        await shop.checkResponses();
      }, 60_000);
      afterAll(async () => {
        await monolith?.close();
        await drop?.();
      });

      const search = (query: string) => shop.http().get(`/api/products?${query}`);
      const register = (email: string, name: string) =>
        shop.http().post('/api/auth/register').send({ email, password: 'a long enough password', name });
      const newEmail = () => `${unique('nul').toLowerCase()}@example.com`;

      /** A 400 validation problem naming exactly `paths`. */
      function expectRefused(response: Response, instance: string, paths: string[]): void {
        const body = expectProblem(response, 400, 'VALIDATION', instance);
        expect(errorPaths(body)).toEqual(paths);
      }

      it('refuses a search for U+0000, alone, inside a word or in a repeated key, naming the field', async () => {
        expectRefused(await search('q=%00'), '/api/products', ['q']);
        expectRefused(await search('q=MUG%00'), '/api/products', ['q']);
        expectRefused(await search('q=MUG&q=%00'), '/api/products', ['q[1]']);
        expect((await search('q=MUG')).status).toBe(200);
      });

      it('refuses a name holding U+0000 at register, and no account is made of it', async () => {
        const email = newEmail();
        expectRefused(await register(email, 'A\u0000'), '/api/auth/register', ['name']);
        expect((await register(email, 'Ada')).status).toBe(201);
      });

      it('finds it at any depth of a body, before any other check (here: before authentication)', async () => {
        const order = {
          lines: [
            { sku: 'MUG-SEAM', quantity: 1 },
            { sku: 'CUP\u0000', quantity: 1 },
          ],
        };
        expectRefused(await shop.http().post('/api/orders').send(order), '/api/orders', ['lines[1].sku']);
      });

      it('a flood of such requests leaves catalog and identity available to everyone else', async () => {
        const flood: number[] = [];
        for (let attempt = 0; attempt < 12; attempt++) {
          flood.push((await search('q=%00')).status, (await register(newEmail(), `Eve\u0000${attempt}`)).status);
        }
        // The bystanders first: what a flood of 500s did was open the breakers on them.
        expect({
          search: (await search('q=MUG')).status,
          register: (await register(newEmail(), 'Grace')).status,
        }).toEqual({ search: 200, register: 201 });
        expect(new Set(flood)).toEqual(new Set([400]));
      }, 60_000);
    },
  );
}

nulTextSuite(sqliteTarget());
nulTextSuite(await postgresTarget());
