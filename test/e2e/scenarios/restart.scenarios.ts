import { describe, expect, it } from '@jest/globals';
import { bearer, type ShopClient } from '../support/shop-client.js';

/** What a restart keeps: the data, and the seed does not run twice (stock is never reset). */
export function restartChecks(shop: ShopClient, restart: () => Promise<void>): void {
  describe('a restart on the same data', () => {
    it('keeps accounts, products and stock; the seed leaves what exists alone', async () => {
      const admin = bearer(await shop.admin());
      expect((await shop.http().put('/api/products/MUG-SEAM/stock').set(admin).send({ available: 7 })).status).toBe(
        200,
      );
      const ada = await shop.register('ada');
      const before = (await shop.http().get('/api/products')).body as { total: number };

      await restart();

      expect(await shop.available('MUG-SEAM')).toBe(7);
      expect(((await shop.http().get('/api/products')).body as { total: number }).total).toBe(before.total);
      expect(await shop.logIn(ada.email, ada.password)).toEqual(expect.any(String));
      // A token issued before the restart is still valid: the signing key is kept.
      expect((await shop.http().get('/api/me').set(bearer(ada.token))).status).toBe(200);
      // 180 s: a topology restart stops every process (up to 10 s grace each) and waits for each
      // to be ready again (up to 60 s), which on a loaded 2-core CI machine can take far beyond
      // the topology suites' 60 s per test; what is tested is what the restart keeps.
    }, 180_000);
  });
}
