import type { Reservation as ReservationView, ReservationChanged } from '@contracts/inventory';
import { randomUUID } from 'node:crypto';
import type { Reservation } from './domain/reservation.js';

/** A reservation as the contract shows it. */
export function toView(reservation: Reservation): ReservationView {
  return {
    orderId: reservation.orderId,
    status: reservation.status,
    lines: reservation.lines.map((line) => ({ ...line })),
  };
}

/** The integration event telling other modules an order's stock is now in this state. */
export function changedEvent(reservation: Reservation): ReservationChanged {
  return {
    id: randomUUID(),
    occurredAt: reservation.updatedAt,
    orderId: reservation.orderId,
    status: reservation.status,
    lines: reservation.lines.map((line) => ({ ...line })),
  };
}
