import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamResilienceModule } from '@seam/resilience';
import { SeamTransportModule, type SeamTransportOptions } from '@seam/transport';
import { SeamHealthModule } from '../health/health.module.js';

/** What a service process runs: one module, its transport and call policies, and `/health` + `/metrics`. */
export interface ServiceAppOptions {
  /** The module's name (its contract's module, its DataSource's name). */
  name: string;
  /** Its Nest module, which opens its own DataSource and registers its handlers. */
  module: Type<unknown>;
  /** Where it is served and where the modules it calls are (see `transportOptionsFor`). */
  transport: Pick<SeamTransportOptions, 'hosted' | 'endpoints'>;
}

/** The root module of a one-module service: wiring only. */
@Module({})
export class ServiceAppModule {
  static for({ name, module, transport }: ServiceAppOptions): DynamicModule {
    return {
      module: ServiceAppModule,
      imports: [
        SeamPersistenceModule.forRoot(),
        SeamTransportModule.forRoot(transport),
        SeamResilienceModule.forRoot(),
        module,
        SeamHealthModule.forModules([name]),
      ],
    };
  }
}
