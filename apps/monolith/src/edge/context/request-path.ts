/**
 * The path a request target names, as Express routes it: an origin-form target (`/api/x?q=1`) up
 * to its query or fragment, taken as sent; an absolute-form one (`http://host/api/x`, RFC 9112
 * §3.2.2), which Express routes too, by its URL's path. Not lower-cased: Express matches routes
 * case-insensitively, so whoever compares it with a route must too. Empty when the target names
 * no path Express could route (`*`, an authority, text that is no URL).
 */
export function requestPathOf(target: string): string {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  try {
    const { pathname } = new URL(target);
    return pathname.startsWith('/') ? pathname : '';
  } catch {
    return '';
  }
}
