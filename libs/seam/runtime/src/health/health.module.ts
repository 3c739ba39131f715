import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_DATABASES, HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/** `/health` and `/metrics` for a Seam process (see {@link HealthController}, {@link MetricsController}). */
@Module({})
export class SeamHealthModule {
  /** Health that pings the databases of `databases` (module names) and probes the served transports. */
  static forModules(databases: readonly string[]): DynamicModule {
    return {
      module: SeamHealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: HEALTH_DATABASES, useValue: [...databases] }],
    };
  }
}
