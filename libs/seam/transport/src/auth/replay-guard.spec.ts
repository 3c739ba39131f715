import { describe, expect, it } from '@jest/globals';
import { REPLAY_WINDOW, ReplayGuard } from './replay-guard.js';

describe('ReplayGuard', () => {
  it('accepts each sequence number of a session once', () => {
    const guard = new ReplayGuard(60_000);
    expect(guard.accept('orders', 's1', 0)).toBe(true);
    expect(guard.accept('orders', 's1', 1)).toBe(true);
    expect(guard.accept('orders', 's1', 1)).toBe(false);
    expect(guard.accept('orders', 's1', 0)).toBe(false);
  });

  it('accepts numbers arriving out of order within the window, and only once', () => {
    const guard = new ReplayGuard(60_000);
    expect(guard.accept('orders', 's1', 100)).toBe(true);
    expect(guard.accept('orders', 's1', 40)).toBe(true);
    expect(guard.accept('orders', 's1', 99)).toBe(true);
    expect(guard.accept('orders', 's1', 40)).toBe(false);
    expect(guard.accept('orders', 's1', 100)).toBe(false);
  });

  it('refuses a number too far below the highest to be told apart from a replay', () => {
    const guard = new ReplayGuard(60_000);
    expect(guard.accept('orders', 's1', REPLAY_WINDOW + 10)).toBe(true);
    expect(guard.accept('orders', 's1', 10)).toBe(false);
    expect(guard.accept('orders', 's1', 11)).toBe(true);
  });

  it('forgets old slots as the window slides, so a reused slot is not mistaken for a replay', () => {
    const guard = new ReplayGuard(60_000);
    for (let n = 0; n < 3 * REPLAY_WINDOW; n += 7) expect(guard.accept('orders', 's1', n)).toBe(true);
    // Slot of 3 * REPLAY_WINDOW + 1 was last used by a number now outside the window.
    expect(guard.accept('orders', 's1', 3 * REPLAY_WINDOW + 1)).toBe(true);
  });

  it('keeps sessions and senders apart', () => {
    const guard = new ReplayGuard(60_000);
    expect(guard.accept('orders', 's1', 5)).toBe(true);
    expect(guard.accept('orders', 's2', 5)).toBe(true);
    expect(guard.accept('catalog', 's1', 5)).toBe(true);
    expect(guard.accept('orders', 's1', 5)).toBe(false);
  });

  it('forgets a session silent for longer than the retention (its envelopes are stale by then)', () => {
    let now = 0;
    const guard = new ReplayGuard(1_000, () => now);
    guard.accept('orders', 's1', 1);
    now = 2_500;
    guard.accept('orders', 's2', 1);
    expect(guard.size).toBe(1);
  });
});
