import { describe, expect, it } from '@jest/globals';
import type { DeadLetter } from '@seam/messaging';
import { staleReplayWarning } from './stale-replays.js';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const DAY_MS = 86_400_000;

const letter = (eventId: string, ageDays: number): DeadLetter => ({
  eventId,
  aggregateId: 'order-1',
  pattern: 'orders.order.confirmed',
  attempts: 12,
  createdAt: new Date(NOW - ageDays * DAY_MS).toISOString(),
  failedAt: new Date(NOW - ageDays * DAY_MS + 300_000).toISOString(),
  lastError: 'identity: UNAVAILABLE',
  deliveredTo: [],
});

describe('staleReplayWarning', () => {
  it('says nothing when every event replayed is younger than the inbox retention', () => {
    const letters = [letter('fresh', 1), letter('edge', 14)];
    expect(staleReplayWarning(letters, ['fresh', 'edge'], NOW)).toBeUndefined();
  });

  it('names the replayed events older than the retention, and only those', () => {
    const letters = [letter('fresh', 1), letter('old', 15), letter('old-not-replayed', 40)];
    expect(staleReplayWarning(letters, ['fresh', 'old'], NOW)).toBe(
      '1 replayed event(s) were written more than 14 days ago (old), longer than an inbox keeps its entries by ' +
        'default: a module that applied one but whose acknowledgement was lost will apply it again',
    );
  });

  it('counts all of them but shows five ids, and follows a retention given', () => {
    const letters = Array.from({ length: 7 }, (_, index) => letter(`e${index}`, 3));
    const warning = staleReplayWarning(
      letters,
      letters.map((each) => each.eventId),
      NOW,
      2 * DAY_MS,
    );
    expect(warning).toMatch(/^7 replayed event\(s\) were written more than 2 days ago \(e0, e1, e2, e3, e4, …\)/);
  });

  it('gives a retention of part of a day in hours', () => {
    expect(staleReplayWarning([letter('old', 1)], ['old'], NOW, 36 * 3_600_000)).toBeUndefined();
    expect(staleReplayWarning([letter('old', 2)], ['old'], NOW, 36 * 3_600_000)).toMatch(
      /^1 replayed event\(s\) were written more than 36 hours ago \(old\)/,
    );
  });
});
