import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_DATABASES, HealthController } from './health.controller.js';
import { metricsFromEnv } from '../config/metrics-from-env.js';
import { MetricsController } from './metrics.controller.js';

/** Options of {@link SeamHealthModule.forModules}. */
export interface SeamHealthOptions {
  /**
   * Serve `/metrics` here (default true). False when another listener serves it: the edge in
   * production keeps it off its public port (see the monolith's internal port). `SEAM_METRICS=off`
   * serves none either way: a scrape gets 404, so a scraper reports the target down rather than
   * up and empty.
   */
  readonly metrics?: boolean;
}

/** `/health` and `/metrics` for a Seam process (see {@link HealthController}, {@link MetricsController}). */
@Module({})
export class SeamHealthModule {
  /**
   * Health that pings the databases of `databases` (module names) and probes the served transports.
   *
   * @throws MetricsConfigError when `SEAM_METRICS` (read from `env`) is neither on nor off: the
   * process refuses to start.
   */
  static forModules(
    databases: readonly string[],
    options: SeamHealthOptions = {},
    env: NodeJS.ProcessEnv = process.env,
  ): DynamicModule {
    const metrics = metricsFromEnv(env) && options.metrics !== false;
    return {
      module: SeamHealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
      controllers: metrics ? [HealthController, MetricsController] : [HealthController],
      providers: [{ provide: HEALTH_DATABASES, useValue: [...databases] }],
    };
  }
}
