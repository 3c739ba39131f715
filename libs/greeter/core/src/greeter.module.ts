import { Module } from '@nestjs/common';
import { SeamTransportModule } from '@seam/transport';
import { ComposeGreetingController } from './compose-greeting/compose-greeting.controller.js';

/** The greeter module: answers `GreeterContract`. Needs `SeamTransportModule.forRoot` in the app. */
@Module({
  imports: [SeamTransportModule.forModule('greeter')],
  controllers: [ComposeGreetingController],
})
export class GreeterModule {}
