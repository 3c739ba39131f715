import type { ReservationStatus } from './reservation.js';
import type { StockEffect } from './stock-move.js';

/** What can be asked of an existing reservation. */
export type ReservationCommand = 'commit' | 'release';

/** What a command does to a reservation in a given status. */
export type Transition =
  /** The status changes to `to`, and each line's stock moves by `effect`. */
  | { kind: 'change'; to: ReservationStatus; effect: StockEffect }
  /** Already there: nothing changes (commands are idempotent). */
  | { kind: 'unchanged' }
  /** The command cannot apply any more. */
  | { kind: 'refused'; reason: string };

/**
 * The state machine of a reservation: `reserved → committed | released`, `committed → released`
 * (a cancelled order puts sold stock back), `released` is final. Repeating a command that
 * already took effect changes nothing.
 */
export function transition(from: ReservationStatus, command: ReservationCommand): Transition {
  if (command === 'commit') {
    if (from === 'reserved') return { kind: 'change', to: 'committed', effect: 'ship' };
    if (from === 'committed') return { kind: 'unchanged' };
    return { kind: 'refused', reason: 'it was released' };
  }
  if (from === 'reserved') return { kind: 'change', to: 'released', effect: 'unhold' };
  if (from === 'committed') return { kind: 'change', to: 'released', effect: 'restock' };
  return { kind: 'unchanged' };
}
