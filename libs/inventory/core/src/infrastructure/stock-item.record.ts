import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How a sku's stock is stored (table `stock_item`); both counts are never negative (CHECK constraints). */
@Entity({ name: 'stock_item' })
export class StockItemRecord {
  @PrimaryColumn({ type: 'varchar', length: 40 }) sku!: string;
  @Column({ type: 'integer' }) available!: number;
  @Column({ type: 'integer', default: 0 }) reserved!: number;
  /** ISO-8601 UTC string: sorts as text and means the same on SQLite and PostgreSQL. */
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
