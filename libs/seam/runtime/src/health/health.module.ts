import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_DATABASES, HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/** Options of {@link SeamHealthModule.forModules}. */
export interface SeamHealthOptions {
  /**
   * Serve `/metrics` here (default true). False when another listener serves it: the edge in
   * production keeps it off its public port (see the monolith's internal port).
   */
  readonly metrics?: boolean;
}

/** `/health` and `/metrics` for a Seam process (see {@link HealthController}, {@link MetricsController}). */
@Module({})
export class SeamHealthModule {
  /** Health that pings the databases of `databases` (module names) and probes the served transports. */
  static forModules(databases: readonly string[], options: SeamHealthOptions = {}): DynamicModule {
    return {
      module: SeamHealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
      controllers: options.metrics === false ? [HealthController] : [HealthController, MetricsController],
      providers: [{ provide: HEALTH_DATABASES, useValue: [...databases] }],
    };
  }
}
