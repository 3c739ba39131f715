import { randomUUID } from 'node:crypto';
import { Payload } from '@nestjs/microservices';
import { type ComposeGreetingRequest, type ComposeGreetingResponse, GreeterContract } from '@contracts/greeter';
import { ContractController, Handle, SeamClient } from '@seam/transport';
import { composeGreeting } from './greeting.domain.js';

/** Answers `greeter.compose-greeting`, then publishes `greeter.greeting.composed`. */
@ContractController(GreeterContract)
export class ComposeGreetingController {
  constructor(private readonly seam: SeamClient) {}

  @Handle(GreeterContract.composeGreeting)
  async compose(@Payload() request: ComposeGreetingRequest): Promise<ComposeGreetingResponse> {
    const greeting = composeGreeting(request.name, request.language);
    // Published before answering, so a caller that got the answer knows the event is on its way.
    await this.seam.emit(GreeterContract.greetingComposed, {
      id: randomUUID(),
      name: request.name,
      greeting,
      occurredAt: new Date().toISOString(),
    });
    return { greeting };
  }
}
