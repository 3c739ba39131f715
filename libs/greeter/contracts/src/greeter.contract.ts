import { defineContract, event, request } from '@seam/transport';
import { ComposeGreetingRequest, ComposeGreetingResponse } from './compose-greeting.dto.js';
import { GreetingComposed } from './greeting-composed.event.js';

/**
 * The greeter module's only door: it composes greetings and tells the world it did.
 * An example module; the reference application replaces it.
 */
export const GreeterContract = defineContract('greeter', {
  /**
   * `greeter.compose-greeting` — composes a greeting for `name` in `language` (default `en`).
   *
   * Idempotent: the same request always gets the same greeting, so a retry is safe. Each
   * successful call publishes one {@link GreetingComposed} event before it answers (a retried
   * call publishes another). Fails with `ValidationError` (fields `name`, `language`, or an
   * unknown field) and, for a caller, with `UnavailableError`/`DeadlineExceededError` when the
   * greeter cannot be reached in time, or when the event could not be published.
   */
  composeGreeting: request({
    pattern: 'greeter.compose-greeting',
    request: ComposeGreetingRequest,
    response: ComposeGreetingResponse,
    idempotent: true,
  }),

  /**
   * `greeter.greeting.composed` — published once per answered `composeGreeting`, at most once
   * per subscribing module (no outbox yet: an event emitted while a broker is down is lost).
   */
  greetingComposed: event({ pattern: 'greeter.greeting.composed', payload: GreetingComposed }),
});
