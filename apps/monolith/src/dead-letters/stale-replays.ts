import { DEFAULT_INBOX_OPTIONS, type DeadLetter } from '@seam/messaging';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
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
  const window =
    retentionMs % DAY_MS === 0 ? `${retentionMs / DAY_MS} days` : `${Math.round(retentionMs / HOUR_MS)} hours`;
  return (
    `${stale.length} replayed event(s) were written more than ${window} ago (${shown}), ` +
    'longer than an inbox keeps its entries by default: a module that applied one but whose acknowledgement ' +
    'was lost will apply it again'
  );
}
