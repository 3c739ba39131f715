import { Module } from '@nestjs/common';
import { SeamTransportModule } from '@seam/transport';
import { Guestbook } from './domain/guestbook.domain.js';
import { ListEntriesController } from './list-entries/list-entries.controller.js';
import { RecordGreetingController } from './record-greeting/record-greeting.controller.js';

/** The guestbook module: answers `GuestbookContract`. Needs `SeamTransportModule.forRoot` in the app. */
@Module({
  imports: [SeamTransportModule.forModule('guestbook')],
  controllers: [RecordGreetingController, ListEntriesController],
  // One guestbook per app instance: both use cases see the same entries.
  providers: [{ provide: Guestbook, useFactory: () => new Guestbook() }],
})
export class GuestbookModule {}
