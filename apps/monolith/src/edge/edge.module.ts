import { Module } from '@nestjs/common';
import { SeamTransportModule } from '@seam/transport';
import { GreetingsController } from './greetings.controller.js';

/** The HTTP edge: routes that call module contracts as the `edge` caller. No business logic. */
@Module({
  imports: [SeamTransportModule.forModule('edge')],
  controllers: [GreetingsController],
})
export class EdgeModule {}
