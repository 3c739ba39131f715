import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How a product is stored (table `product` of the catalog's own database). */
@Entity({ name: 'product' })
export class ProductRecord {
  @PrimaryColumn({ type: 'varchar', length: 40 }) sku!: string;
  @Column({ type: 'varchar', length: 120 }) name!: string;
  @Column({ type: 'text' }) description!: string;
  /** Integer minor units: money is never a float. */
  @Column({ name: 'price_amount', type: 'integer' }) priceAmount!: number;
  @Column({ name: 'price_currency', type: 'varchar', length: 3 }) priceCurrency!: string;
  @Column({ type: 'boolean' }) active!: boolean;
  /** ISO-8601 UTC strings: they sort as text and mean the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
