import { describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, type ShopClient } from '../support/shop-client.js';

/** A customer ending sessions: signing out everywhere, changing the password. */
export function sessionJourneys(shop: ShopClient): void {
  describe('a customer’s sessions', () => {
    it('signs out everywhere: every token of the account is refused at once, a new log-in works', async () => {
      const ada = await shop.register('ada');
      const laptop = await shop.logIn(ada.email, ada.password);
      const grace = await shop.register('grace');
      const out = await shop.http().post('/api/auth/logout').set(bearer(ada.token));
      expect(out.status).toBe(204);
      expect(out.text).toBe('');
      for (const token of [ada.token, laptop]) {
        const refused = expectProblem(
          await shop.http().get('/api/me').set(bearer(token)),
          401,
          'UNAUTHORIZED',
          '/api/me',
        );
        expect(refused.detail).toMatch(/revoked/);
      }
      expect((await shop.http().get('/api/me').set(bearer(grace.token))).status).toBe(200);
      const again = await shop.logIn(ada.email, ada.password);
      expect((await shop.http().get('/api/me').set(bearer(again)).expect(200)).body).toMatchObject({ id: ada.userId });
      expectProblem(await shop.http().post('/api/auth/logout'), 401, 'UNAUTHORIZED', '/api/auth/logout');
      expectProblem(
        await shop.http().post('/api/auth/logout').set(bearer(ada.token)),
        401,
        'UNAUTHORIZED',
        '/api/auth/logout',
      );
    });

    it('changes the password: older tokens and the old password are refused, the answer’s token works', async () => {
      const ada = await shop.register('ada');
      const newPassword = 'a much longer passphrase';
      const changed = await shop
        .http()
        .post('/api/auth/password')
        .set(bearer(ada.token))
        .send({ currentPassword: ada.password, newPassword });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ tokenType: 'Bearer', user: { id: ada.userId, email: ada.email } });
      const fresh = (changed.body as { accessToken: string }).accessToken;
      expect((await shop.http().get('/api/me').set(bearer(fresh))).status).toBe(200);
      expectProblem(await shop.http().get('/api/me').set(bearer(ada.token)), 401, 'UNAUTHORIZED', '/api/me');
      expectProblem(
        await shop.http().post('/api/auth/login').send({ email: ada.email, password: ada.password }),
        401,
        'UNAUTHORIZED',
        '/api/auth/login',
      );
      expect(await shop.logIn(ada.email, newPassword)).toEqual(expect.any(String));
    });

    it('refuses a wrong current password (403) and a weak new one (400 naming newPassword), changing nothing', async () => {
      const ada = await shop.register('ada');
      const path = '/api/auth/password';
      const wrong = await shop
        .http()
        .post(path)
        .set(bearer(ada.token))
        .send({ currentPassword: 'not the password', newPassword: 'a much longer passphrase' });
      expectProblem(wrong, 403, 'FORBIDDEN', path);
      const weak = await shop
        .http()
        .post(path)
        .set(bearer(ada.token))
        .send({ currentPassword: ada.password, newPassword: ada.email });
      expect(expectProblem(weak, 400, 'VALIDATION', path).errors).toEqual([
        expect.objectContaining({ path: 'newPassword' }),
      ]);
      expectProblem(
        await shop.http().post(path).set(bearer(ada.token)).send({ currentPassword: ada.password }),
        400,
        'VALIDATION',
        path,
      );
      expectProblem(
        await shop.http().post(path).send({ currentPassword: ada.password, newPassword: 'a much longer passphrase' }),
        401,
        'UNAUTHORIZED',
        path,
      );
      expect((await shop.http().get('/api/me').set(bearer(ada.token))).status).toBe(200);
      expect(await shop.logIn(ada.email, ada.password)).toEqual(expect.any(String));
    });
  });
}
