import { type DynamicModule, Module } from '@nestjs/common';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamResilienceModule } from '@seam/resilience';
import { SeamHealthModule } from '@seam/runtime';
import { SeamTransportModule, type SeamTransportOptions } from '@seam/transport';
import { DashboardModule } from './edge/dashboard/dashboard.module.js';
import { EdgeModule } from './edge/edge.module.js';
import type { LocalModule } from './modules.js';
import { SeedModule } from './seed/seed.module.js';

/** What one monolith process runs: the modules its topology places here, and how to reach all of them. */
export interface AppOptions {
  /** The modules hosted in this process (all of {@link LOCAL_MODULES} in the `monolith` topology). */
  modules: readonly LocalModule[];
  /** Where each module is served and reached (see `transportOptionsFor` of `@seam/runtime`). */
  transport: Pick<SeamTransportOptions, 'hosted' | 'endpoints'>;
  /** `/metrics` and the dashboard (`/_seam`) are served by the internal listener (`SEAM_INTERNAL_PORT`), not on this app's port. */
  internalMetrics?: boolean;
}

/**
 * The monolith: the HTTP edge, and the modules the topology places in this process — each with
 * its own data (SQLite files under `DATA_DIR`, or a PostgreSQL schema each with `DATABASE_URL`)
 * — calling every module, here or remote, through its contract under its call policy. Wiring only.
 */
@Module({})
export class AppModule {
  static for({ modules, transport, internalMetrics = false }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SeamPersistenceModule.forRoot(),
        SeamTransportModule.forRoot(transport),
        SeamResilienceModule.forRoot(),
        ...modules.map(({ module }) => module),
        EdgeModule,
        SeamHealthModule.forModules(
          modules.map(({ name }) => name),
          { metrics: !internalMetrics },
        ),
        SeedModule,
        ...(internalMetrics ? [] : [DashboardModule]),
      ],
    };
  }
}
