import { Module } from '@nestjs/common';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamTransportModule } from '@seam/transport';
import { EdgeModule } from './edge/edge.module.js';
import { HealthModule } from './health/health.module.js';
import { LOCAL_MODULES } from './modules.js';
import { SeedModule } from './seed/seed.module.js';

/**
 * The monolith: every module of {@link LOCAL_MODULES} in this process, each with its own data
 * (SQLite files under `DATA_DIR`, or a PostgreSQL schema each with `DATABASE_URL`), reached
 * in-process through their contracts, behind the HTTP edge. Wiring only.
 */
@Module({
  imports: [
    SeamPersistenceModule.forRoot(),
    SeamTransportModule.forRoot({ hosted: LOCAL_MODULES.map(({ name }) => name) }),
    ...LOCAL_MODULES.map(({ module }) => module),
    EdgeModule,
    HealthModule,
    SeedModule,
  ],
})
export class AppModule {}
