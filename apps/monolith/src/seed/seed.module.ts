import { Module } from '@nestjs/common';
import { SeamTransportModule } from '@seam/transport';
import { DemoSeed, SEED_CALLER, SEED_OPTIONS } from './demo-seed.service.js';
import { seedOptionsFromEnv } from './seed-options.js';

/** Seeds a fresh installation on start-up (see {@link DemoSeed}); `SEED_DEMO_DATA=false` turns it off. */
@Module({
  imports: [SeamTransportModule.forModule(SEED_CALLER)],
  providers: [{ provide: SEED_OPTIONS, useFactory: () => seedOptionsFromEnv() }, DemoSeed],
})
export class SeedModule {}
