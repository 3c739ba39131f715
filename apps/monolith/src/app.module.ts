import { Module } from '@nestjs/common';
import { GreeterModule } from '@modules/greeter';
import { GuestbookModule } from '@modules/guestbook';
import { SeamTransportModule } from '@seam/transport';
import { EdgeModule } from './edge/edge.module.js';

/**
 * The monolith: every module in this process, reached in-process, behind the HTTP edge.
 * Example modules only; the reference application replaces them.
 */
@Module({
  imports: [SeamTransportModule.forRoot({ hosted: ['greeter', 'guestbook'] }), GreeterModule, GuestbookModule, EdgeModule],
})
export class AppModule {}
