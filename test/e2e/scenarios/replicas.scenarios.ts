import { describe, expect, it } from '@jest/globals';
import { handledCallsAt, type TopologyProcesses } from '@seam/testing';
import { ShopClient } from '../support/shop-client.js';
import type { ProcessShopSystem } from '../support/topology-target.js';

const APPROVED_CARD = '4242424242424242';
const ORDERS = 10;

/**
 * Each order with an approved card and stock is exactly one call of each of these, to the module
 * that answers it, whether it is then confirmed or not (the saga never repeats a step; what it
 * calls after a failed capture — refund, release — depends on the outcome, so it is left out).
 */
const ONE_PER_ORDER: Record<string, string[]> = {
  orders: ['orders.place-order'],
  inventory: ['inventory.reserve-stock'],
  payments: ['payments.authorize-payment', 'payments.capture-payment'],
};

/** Handled requests per replica of `module`, for `patterns` (from each process's `/metrics`). */
async function handledByReplica(
  processes: TopologyProcesses,
  module: string,
  patterns: string[],
): Promise<Array<Record<string, number>>> {
  return Promise.all(
    processes.replicas(module).map(async ({ url }) => {
      const counts = await handledCallsAt(url);
      return Object.fromEntries(patterns.map((pattern) => [pattern, counts.get(pattern) ?? 0]));
    }),
  );
}

/**
 * Replicas of a module behind Redis streams compete for its requests: each request is handled by
 * exactly one replica, and every replica gets some. The evidence is each replica's own count of
 * the requests its handlers took (`seam_calls_handled_total` on its `/metrics`), against what the
 * journey did: every order is one place-order, one stock reservation, one authorization and one
 * capture — so per pattern, the replicas' counts must add up to the number of orders (a request
 * handled twice, as with Nest's pub/sub transport, would make it larger) — and per module, every
 * replica must have handled something.
 *
 * The orders are placed all at once, so that the replicas work at the same time on their shared
 * SQLite file and the payments replicas capture authorizations the other one gave.
 */
export function replicaChecks(system: () => ProcessShopSystem): void {
  describe('replicas behind Redis streams', () => {
    it(`share the work of ${ORDERS} orders, and handle each request exactly once`, async () => {
      const { processes } = system();
      const shop = new ShopClient(() => system().app);
      await shop.checkResponses();
      const sku = await shop.newProduct({ price: 500, stock: ORDERS });
      const customer = await shop.register('replicas');
      const modules = Object.keys(ONE_PER_ORDER);
      for (const module of ['inventory', 'payments']) expect(processes.replicas(module).length).toBe(2);
      const everything = async (module: string) =>
        (await Promise.all(processes.replicas(module).map(({ url }) => handledCallsAt(url)))).map((counts) =>
          [...counts.values()].reduce((sum, handled) => sum + handled, 0),
        );
      const before = await Promise.all(
        modules.map((module) => handledByReplica(processes, module, ONE_PER_ORDER[module]!)),
      );
      const allBefore = await Promise.all(modules.map(everything));

      const placed = await Promise.all(
        Array.from({ length: ORDERS }, () =>
          shop.placeOrder(customer, { lines: [{ sku, quantity: 1 }], cardNumber: APPROVED_CARD }),
        ),
      );
      expect(
        placed.map(({ status, body }) => [
          status,
          (body as { status: string; reason?: string }).reason ?? (body as { status: string }).status,
        ]),
      ).toEqual(Array.from({ length: ORDERS }, () => [201, 'confirmed']));
      expect(await shop.available(sku)).toBe(0);

      const after = await Promise.all(
        modules.map((module) => handledByReplica(processes, module, ONE_PER_ORDER[module]!)),
      );
      const allAfter = await Promise.all(modules.map(everything));
      modules.forEach((module, m) => {
        for (const pattern of ONE_PER_ORDER[module]!) {
          const byReplica = after[m]!.map((counts, replica) => counts[pattern]! - before[m]![replica]![pattern]!);
          // Printed so that a run shows the split, not only that it passed.
          console.log(
            `${pattern}: ${byReplica.map((handled, replica) => `${module}#${replica} ${handled}`).join(', ')} (orders: ${ORDERS})`,
          );
          expect({ pattern, total: byReplica.reduce((sum, handled) => sum + handled, 0) }).toEqual({
            pattern,
            total: ORDERS,
          });
        }
        const served = allAfter[m]!.map((handled, replica) => handled - allBefore[m]![replica]!);
        console.log(`${module}: requests handled per replica during the journey: ${served.join(', ')}`);
        for (const handled of served) expect({ module, servedSome: handled > 0 }).toEqual({ module, servedSome: true });
      });
    });
  });
}
