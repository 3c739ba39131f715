import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LOCAL_MODULES } from '../../../apps/monolith/src/modules.js';
import type { DatabaseTarget } from './database-targets.js';
import { E2eMonolith } from './e2e-monolith.js';
import type { ShopSystem, ShopTarget } from './shop-target.js';

/**
 * The monolith's AppModule inside the test process ({@link E2eMonolith}), every module hosted
 * and called in-process, on a fresh database of `database`. A restart closes the app and boots
 * a new one on the same data; an outage destroys a module's DataSource.
 */
export function inProcessTarget(database: DatabaseTarget): ShopTarget {
  return {
    title: `the monolith over HTTP, on ${database.title}`,
    skipReason: database.skipReason,
    outage: { kind: 'database', module: 'catalog' },
    startTimeoutMs: 60_000,
    start: async (): Promise<ShopSystem> => {
      const data = await database.create();
      let monolith: E2eMonolith;
      try {
        monolith = await E2eMonolith.start(data.config);
      } catch (error) {
        await data.drop();
        throw error;
      }
      return {
        get app() {
          return monolith.server;
        },
        edgeHealthChecks: LOCAL_MODULES.map(({ name }) => name),
        restart: async () => {
          monolith = await monolith.restart();
        },
        takeDown: async (module) => {
          await monolith.app.get<DataSource>(getDataSourceToken(module), { strict: false }).destroy();
          return [];
        },
        stop: async () => {
          try {
            await monolith.close();
          } finally {
            await data.drop();
          }
        },
      };
    },
  };
}
