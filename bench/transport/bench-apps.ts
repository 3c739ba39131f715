import { type DynamicModule, Module } from '@nestjs/common';
import { SeamTransportModule, type SeamTransportOptions } from '@seam/transport';
import { SeamBenchController, StockBenchController } from './bench.controllers.js';

/** The Seam callee: module `bench` with its two handlers. */
@Module({})
export class SeamCalleeModule {
  static with(options: SeamTransportOptions): DynamicModule {
    return {
      module: SeamCalleeModule,
      imports: [SeamTransportModule.forRoot(options)],
      controllers: [SeamBenchController],
    };
  }
}

/** The Seam caller: a `SeamClient` calling as `bench-caller`. */
@Module({})
export class SeamCallerModule {
  static with(options: SeamTransportOptions): DynamicModule {
    return {
      module: SeamCallerModule,
      imports: [SeamTransportModule.forRoot(options), SeamTransportModule.forModule('bench-caller')],
    };
  }
}

/** The stock Nest callee: one `@MessagePattern` handler, no Seam. */
@Module({ controllers: [StockBenchController] })
export class StockCalleeModule {}
