/**
 * The one spelling of an email address under which an account is stored and looked up: trimmed,
 * Unicode NFC (a composed and a decomposed "é" are the same letter) and lower-case, so that
 * `Ada@Example.com` and `ada@example.com` are one account.
 */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}
