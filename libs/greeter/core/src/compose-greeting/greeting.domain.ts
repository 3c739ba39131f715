/** A language the greeter speaks. */
export type Language = 'en' | 'fr';

const TEMPLATES: Record<Language, (name: string) => string> = {
  en: (name) => `Hello, ${name}!`,
  // French typography puts a (narrow no-break) space before "!".
  fr: (name) => `Bonjour, ${name}\u202F!`,
};

/** The greeting for `name` in `language`. Pure: the same input always gives the same greeting. */
export function composeGreeting(name: string, language: Language = 'en'): string {
  return TEMPLATES[language](name);
}
