import { DEFAULT_INBOX_OPTIONS, type DeadLetter } from '@seam/messaging';

const DAY_MS = 86_400_000;
const IDS_SHOWN = 5;

/**
 * The warning `npm run dead-letters -- <module> replay` prints when events it put back were written
 * longer ago than an inbox keeps its entries (`retentionMs`, the default unless given), or
 * nothing. Replaying skips the modules that acknowledged an event; one that applied it while its
 * acknowledgement was lost is kept from applying it again only by its inbox entry, which may be
 * gone by now. Pure: `now` is the clock.
 */
export function staleReplayWarning(
  letters: readonly DeadLetter[],
  replayed: readonly string[],
  now: number,
  retentionMs: number = DEFAULT_INBOX_OPTIONS.retentionMs,
): string | undefined {
  const stale = letters
    .filter((letter) => replayed.includes(letter.eventId) && now - Date.parse(letter.createdAt) > retentionMs)
    .map((letter) => letter.eventId);
  if (stale.length === 0) return undefined;
  const shown = stale.slice(0, IDS_SHOWN).join(', ') + (stale.length > IDS_SHOWN ? ', …' : '');
  return (
    `${stale.length} replayed event(s) were written more than ${retentionMs / DAY_MS} days ago (${shown}), ` +
    'longer than an inbox keeps its entries by default: a module that applied one but whose acknowledgement ' +
    'was lost will apply it again'
  );
}
