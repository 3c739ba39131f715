import { Payload } from '@nestjs/microservices';
import { GreeterContract, type GreetingComposed } from '@contracts/greeter';
import { GuestbookContract } from '@contracts/guestbook';
import { ContractController, Subscribe } from '@seam/transport';
import { Guestbook } from '../domain/guestbook.domain.js';

/** Records each greeting the greeter publishes. */
@ContractController(GuestbookContract)
export class RecordGreetingController {
  constructor(private readonly guestbook: Guestbook) {}

  @Subscribe(GreeterContract.greetingComposed)
  record(@Payload() event: GreetingComposed): void {
    this.guestbook.record({ id: event.id, name: event.name, greeting: event.greeting, at: event.occurredAt });
  }
}
