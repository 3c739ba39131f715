import { defineContract, request } from '@seam/transport';
import { GuestbookEntries, ListEntriesRequest } from './list-entries.dto.js';

/**
 * The guestbook module's only door. The guestbook records every `greeter.greeting.composed`
 * event it receives and keeps the latest 100 in memory (lost on restart).
 * An example module; the reference application replaces it.
 */
export const GuestbookContract = defineContract('guestbook', {
  /**
   * `guestbook.list-entries` — the latest recorded greetings, newest first, at most `limit`.
   *
   * A query: idempotent, no side effects, safe to retry. Eventually consistent with the greeter:
   * a greeting shows up shortly after it was answered, not necessarily at once. Fails with
   * `ValidationError` (field `limit`, or an unknown field), and for a caller with
   * `UnavailableError`/`DeadlineExceededError` when the guestbook cannot be reached in time.
   */
  listEntries: request({
    pattern: 'guestbook.list-entries',
    request: ListEntriesRequest,
    response: GuestbookEntries,
    idempotent: true,
  }),
});
