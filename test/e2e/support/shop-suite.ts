import { afterAll, beforeAll, describe } from '@jest/globals';
import { adminJourneys } from '../scenarios/admin.scenarios.js';
import { hostileInputs } from '../scenarios/hostile.scenarios.js';
import { platformChecks } from '../scenarios/platform.scenarios.js';
import { restartChecks } from '../scenarios/restart.scenarios.js';
import { shoppingJourneys } from '../scenarios/shopping.scenarios.js';
import type { Database, DatabaseTarget } from './database-targets.js';
import { E2eMonolith } from './e2e-monolith.js';
import { ShopClient } from './shop-client.js';

/**
 * The e2e suite of the monolith over HTTP, on one kind of database: one app per suite, booted on
 * an empty database (the seed runs as on a first start), every journey against it, a restart.
 * The same function runs for every target, so each database passes the very same tests.
 */
export function shopSuite(target: DatabaseTarget): void {
  const suite = target.skipReason ? describe.skip : describe;
  suite(`the monolith over HTTP, on ${target.title}${target.skipReason ? ` — skipped: ${target.skipReason}` : ''}`, () => {
    let database: Database | undefined;
    let monolith: E2eMonolith | undefined;
    const shop = new ShopClient(() => monolith!.server);

    beforeAll(async () => {
      database = await target.create();
      monolith = await E2eMonolith.start(database.config);
    }, 60_000);

    afterAll(async () => {
      await monolith?.close();
      await database?.drop();
    });

    shoppingJourneys(shop);
    adminJourneys(shop);
    hostileInputs(shop);
    restartChecks(shop, async () => {
      monolith = await monolith!.restart();
    });
    // Last: its final check breaks a database of the running app.
    platformChecks(shop, () => monolith!);
  });
}
