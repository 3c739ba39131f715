import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReservationStatus } from '../domain/reservation.js';

/**
 * How an order's reservation is stored (table `reservation`). The primary key on `order_id` is
 * what makes a concurrent duplicate reservation for one order fail instead of holding stock twice.
 */
@Entity({ name: 'reservation' })
export class ReservationRecord {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 36 }) orderId!: string;
  @Column({ type: 'varchar', length: 10 }) status!: ReservationStatus;
  /** ISO-8601 UTC strings: they sort as text and mean the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
