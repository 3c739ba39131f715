import { IsISO8601, IsNotEmpty, IsString } from 'class-validator';

/**
 * Integration event `greeter.greeting.composed`: a greeting was composed for someone. JSON-safe;
 * `id` is unique per event, so a subscriber can recognise a redelivery.
 */
export class GreetingComposed {
  /** Unique id of this event. */
  @IsString()
  @IsNotEmpty()
  id!: string;

  /** Who was greeted, as given in the request. */
  @IsString()
  name!: string;

  /** The greeting that was answered. */
  @IsString()
  greeting!: string;

  /** When the greeting was composed (ISO 8601, UTC). */
  @IsISO8601({ strict: true })
  occurredAt!: string;
}
