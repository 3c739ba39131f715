import { afterAll, beforeAll, describe, jest } from '@jest/globals';
import { adminJourneys } from '../scenarios/admin.scenarios.js';
import { hostileInputs } from '../scenarios/hostile.scenarios.js';
import { platformChecks } from '../scenarios/platform.scenarios.js';
import { restartChecks } from '../scenarios/restart.scenarios.js';
import { sessionJourneys } from '../scenarios/sessions.scenarios.js';
import { shoppingJourneys } from '../scenarios/shopping.scenarios.js';
import { ShopClient } from './shop-client.js';
import type { ShopSystem, ShopTarget } from './shop-target.js';

/**
 * The e2e suite of the shop over HTTP, against one target: the in-process monolith on a kind of
 * database, or a topology running as OS processes. One system per suite, started on empty data
 * (the seed runs as on a first start), every journey against it, a restart. The same function
 * runs for every target, so each passes the very same scenarios, and every response they receive
 * is checked against the OpenAPI document the target serves (`ShopClient.checkResponses`).
 *
 * @param more checks of this target only, run after the journeys and before the platform checks
 *   (whose last check takes a module down); they may stop processes if they start them again.
 */
export function shopSuite<S extends ShopSystem>(target: ShopTarget<S>, more?: (system: () => S) => void): void {
  if (target.testTimeoutMs) jest.setTimeout(target.testTimeoutMs);
  const suite = target.skipReason ? describe.skip : describe;
  suite(`${target.title}${target.skipReason ? ` — skipped: ${target.skipReason}` : ''}`, () => {
    let system: S | undefined;
    const shop = new ShopClient(() => system!.app);

    beforeAll(async () => {
      system = await target.start();
      // Every response of every journey must then be what the app's OpenAPI document declares.
      await shop.checkResponses();
    }, target.startTimeoutMs);

    afterAll(async () => {
      await system?.stop();
    }, 30_000);

    shoppingJourneys(shop);
    sessionJourneys(shop);
    adminJourneys(shop);
    hostileInputs(shop);
    restartChecks(shop, () => system!.restart());
    more?.(() => system!);
    // Last: its final check takes a module down.
    platformChecks(shop, target.outage, () => system!);
  });
}
