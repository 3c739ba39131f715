import { describe, expect, it } from '@jest/globals';
import type { ReservationStatus } from './reservation.js';
import { transition } from './reservation-status.js';

describe('reservation status', () => {
  describe('transition', () => {
    it.each<[ReservationStatus, 'commit' | 'release', ReturnType<typeof transition>]>([
      ['reserved', 'commit', { kind: 'change', to: 'committed', effect: 'ship' }],
      ['committed', 'commit', { kind: 'unchanged' }],
      ['released', 'commit', { kind: 'refused', reason: 'it was released' }],
      ['reserved', 'release', { kind: 'change', to: 'released', effect: 'unhold' }],
      ['committed', 'release', { kind: 'change', to: 'released', effect: 'restock' }],
      ['released', 'release', { kind: 'unchanged' }],
    ])('%s + %s', (from, command, expected) => {
      expect(transition(from, command)).toEqual(expected);
    });

    it('never leaves released', () => {
      expect([transition('released', 'commit').kind, transition('released', 'release').kind]).toEqual([
        'refused',
        'unchanged',
      ]);
    });

    it('reaches every status from reserved, in at most two changes', () => {
      const reachable = new Set<ReservationStatus>(['reserved']);
      for (let step = 0; step < 2; step++) {
        for (const from of Array.from(reachable)) {
          // a snapshot: one step per round
          for (const command of ['commit', 'release'] as const) {
            const next = transition(from, command);
            if (next.kind === 'change') reachable.add(next.to);
          }
        }
      }
      expect([...reachable].toSorted()).toEqual(['committed', 'released', 'reserved']);
    });
  });
});
