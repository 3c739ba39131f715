import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** The languages a greeting can be composed in. */
export const GREETING_LANGUAGES = ['en', 'fr'] as const;

/** One of {@link GREETING_LANGUAGES}. */
export type GreetingLanguage = (typeof GREETING_LANGUAGES)[number];

/** Request of `greeter.compose-greeting`. Unknown fields are refused at the door. */
export class ComposeGreetingRequest {
  /** Who to greet: 1 to 60 characters, used verbatim. */
  @IsString()
  @Length(1, 60)
  name!: string;

  /** The language of the greeting (default `en`). */
  @IsOptional()
  @IsIn(GREETING_LANGUAGES)
  language?: GreetingLanguage;
}

/** Response of `greeter.compose-greeting`. */
export class ComposeGreetingResponse {
  /** The composed greeting, e.g. `Hello, Ada!`. */
  greeting!: string;
}
