import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CustomerActivity } from '@contracts/identity';
import { Sql } from '@seam/messaging';

/** A change to one customer's activity in one currency. */
export interface ActivityChange {
  customerId: string;
  currency: string;
  confirmed: number;
  cancelled: number;
  amount: number;
}

type Row = { currency: string; confirmed_orders: number; cancelled_orders: number; spent_amount: number | string };

/** Customers' order activity, one row per customer and currency, in identity's database. */
@Injectable()
export class CustomerActivityRepository {
  private readonly sql: Sql;

  constructor(@InjectDataSource('identity') dataSource: DataSource) {
    this.sql = new Sql(dataSource);
  }

  /** Adds `change` to the customer's row (created on first use), within `manager`'s transaction. */
  async add(manager: EntityManager, change: ActivityChange): Promise<void> {
    // One atomic upsert: concurrent changes for one customer add up instead of overwriting.
    await this.sql.rows(
      `INSERT INTO ${this.sql.table('customer_activity')} (customer_id, currency, confirmed_orders, cancelled_orders, spent_amount)
       VALUES (:1, :2, :3, :4, :5)
       ON CONFLICT (customer_id, currency) DO UPDATE SET
         confirmed_orders = customer_activity.confirmed_orders + excluded.confirmed_orders,
         cancelled_orders = customer_activity.cancelled_orders + excluded.cancelled_orders,
         spent_amount = customer_activity.spent_amount + excluded.spent_amount
       RETURNING customer_id`,
      [change.customerId, change.currency, change.confirmed, change.cancelled, change.amount],
      manager,
    );
  }

  /** The customer's activity, summed over currencies for the counts. */
  async find(customerId: string): Promise<CustomerActivity> {
    const rows = await this.sql.rows<Row>(
      `SELECT currency, confirmed_orders, cancelled_orders, spent_amount FROM ${this.sql.table('customer_activity')} WHERE customer_id = :1 ORDER BY currency`,
      [customerId],
    );
    return {
      customerId,
      confirmedOrders: rows.reduce((sum, row) => sum + Number(row.confirmed_orders), 0),
      cancelledOrders: rows.reduce((sum, row) => sum + Number(row.cancelled_orders), 0),
      // PostgreSQL hands bigint back as a string; sums of order totals stay far below 2^53.
      spent: rows.map((row) => ({ amount: Number(row.spent_amount), currency: row.currency })),
    };
  }
}
