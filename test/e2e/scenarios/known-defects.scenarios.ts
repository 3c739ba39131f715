import { describe, expect, it } from '@jest/globals';
import { ShopClient } from '../support/shop-client.js';
import type { ProcessShopSystem } from '../support/topology-target.js';

const APPROVED_CARD = '4242424242424242';

/**
 * With two payments replicas, orders are confirmed. The capture of an order usually reaches the
 * other replica than its authorization did (Redis streams alternate between idle readers); the
 * default payment provider (`FakePaymentProvider`) keeps its holds in the payments module's
 * database, which both replicas share, as a real provider is one service for every replica. This
 * was a known defect ("capture failed: INTERNAL") while the fake kept its holds in process memory.
 */
export function twoPaymentReplicasDefect(system: () => ProcessShopSystem): void {
  describe('orders with two payments replicas', () => {
    it('are confirmed: both replicas see the fake payment provider’s holds', async () => {
      expect(system().processes.replicas('payments').length).toBe(2);
      const shop = new ShopClient(() => system().app);
      const sku = await shop.newProduct({ price: 700, stock: 4 });
      const customer = await shop.register('replicas');
      const statuses: unknown[] = [];
      for (let order = 0; order < 4; order++) {
        const placed = await shop.placeOrder(customer, { lines: [{ sku, quantity: 1 }], cardNumber: APPROVED_CARD });
        statuses.push((placed.body as { status: string; reason?: string }).reason ?? (placed.body as { status: string }).status);
      }
      expect(statuses).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed']);
    });
  });
}
