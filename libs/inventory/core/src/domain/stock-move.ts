/** The stock counts of one sku. */
export interface StockCounts {
  /** Units that can still be reserved. */
  available: number;
  /** Units held for orders that are reserved but not yet committed. */
  reserved: number;
}

/** What a state change of a reservation does to one line's stock. */
export type StockEffect =
  /** reserve: the units move from `available` to `reserved`. */
  | 'hold'
  /** commit: the held units leave the warehouse (`reserved` goes down, nothing comes back). */
  | 'ship'
  /** release of a reserved order: the held units go back to `available`. */
  | 'unhold'
  /** release of a committed order: the sold units come back to `available`. */
  | 'restock';

/** Signed changes to apply to a sku's counts. */
export type StockMove = StockCounts;

/** The change `effect` makes to the counts of a line of `quantity` units. */
export function stockMove(effect: StockEffect, quantity: number): StockMove {
  switch (effect) {
    case 'hold':
      return { available: -quantity, reserved: quantity };
    case 'ship':
      return { available: 0, reserved: -quantity };
    case 'unhold':
      return { available: quantity, reserved: -quantity };
    case 'restock':
      return { available: quantity, reserved: 0 };
  }
}

/**
 * The counts after `move`, or `undefined` when a count would go negative: the move is then
 * refused as a whole. The repository applies the same rule atomically in the database
 * (a conditional UPDATE), so that it also holds between concurrent transactions.
 */
export function applyMove(counts: StockCounts, move: StockMove): StockCounts | undefined {
  const next = { available: counts.available + move.available, reserved: counts.reserved + move.reserved };
  return next.available < 0 || next.reserved < 0 ? undefined : next;
}
