import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * The one spelling of an email address under which an account is stored and looked up: trimmed,
 * Unicode NFC (a composed and a decomposed "é" are the same letter) and lower-case, so that
 * `Ada@Example.com` and `ada@example.com` are one account; and its domain in its ASCII (punycode)
 * form, so that `ada@bücher.de` and `ada@xn--bcher-kva.de` — one mailbox — are one account too. A
 * domain IDNA refuses is kept as written (lower-case): the contract has already checked the address.
 */
export function normaliseEmail(email: string): string {
  const { local, domain } = split(email);
  if (domain === undefined) return local;
  return `${local}@${domainToASCII(domain) || domain}`;
}

/**
 * The spelling under which an account of `email` was stored before domains were stored in ASCII
 * (when its domain is internationalised): lower-case and NFC with the domain in Unicode, as
 * `ada@bücher.de` was. `undefined` when it is the same as `normaliseEmail`'s. Look-ups try it too:
 * migration `AsciiEmailDomains1797100000000` rewrites such addresses, but leaves one whose ASCII
 * spelling another account already has, and that account must still be able to log in.
 */
export function legacyEmailSpelling(email: string): string | undefined {
  const normalised = normaliseEmail(email);
  const { local, domain } = split(normalised);
  if (domain === undefined) return undefined;
  const legacy = `${local}@${domainToUnicode(domain).normalize('NFC').toLowerCase()}`;
  return legacy === normalised ? undefined : legacy;
}

/** The address trimmed, NFC and lower-case, cut at its last `@` (a quoted local part may hold one). */
function split(email: string): { local: string; domain?: string } {
  const folded = email.trim().normalize('NFC').toLowerCase();
  const at = folded.lastIndexOf('@');
  return at < 0 ? { local: folded } : { local: folded.slice(0, at), domain: folded.slice(at + 1) };
}
