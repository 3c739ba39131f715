import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { Outbox } from '@seam/messaging';
import {
  commitWith,
  inTransaction,
  isUniqueViolation,
  PreparedInsert,
  PreparedRead,
  PreparedUpdate,
} from '@seam/persistence';
import type { Order, PaymentProgress, StockProgress } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-status.js';
import { type OrderEventName, orderEventEntry } from '../order-events.js';
import { orderEvent } from '../order.views.js';
import { type SagaStepRecord, SagaStore } from './saga.store.js';
import { OrderLineRecord } from './order-line.record.js';
import { OrderRecord } from './order.record.js';

/** A page of orders and how many there are in all. */
export interface OrderSlice {
  items: Order[];
  total: number;
}

/**
 * The orders module's orders and their lines, in its own database. A write that changes what
 * other modules may know of an order names its event, which is added to the module's outbox in
 * the same transaction: stored and announced, or neither.
 */
@Injectable()
export class OrderRepository {
  /** Reads of every order view, their queries built once (see PreparedRead). */
  private readonly byId: PreparedRead<OrderRecord>;
  private readonly linesOf: PreparedRead<OrderLineRecord>;
  /** An order's status and progress, written at every step of its saga (see PreparedUpdate). */
  private readonly progress: PreparedUpdate<OrderRecord>;
  /** A placed order and its lines (see PreparedInsert). */
  private readonly newOrder: PreparedInsert<OrderRecord>;
  private readonly newLines: PreparedInsert<OrderLineRecord>;

  constructor(
    @InjectRepository(OrderRecord, 'orders') private readonly orders: Repository<OrderRecord>,
    @InjectRepository(OrderLineRecord, 'orders') lines: Repository<OrderLineRecord>,
    @InjectDataSource('orders') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly sagas: SagaStore,
  ) {
    this.byId = new PreparedRead(orders, { where: ['orderId'], limit: 1 });
    // `seq` numbers the orders in the database; nothing here reads it back.
    this.newOrder = new PreparedInsert(orders, { generatedByDatabase: true });
    this.newLines = new PreparedInsert(lines);
    this.progress = new PreparedUpdate(orders, { where: ['orderId', 'status'], set: CHANGING_FIELDS });
    this.linesOf = new PreparedRead(lines, {
      where: ['orderId'],
      orderBy: [
        ['orderId', 'ASC'],
        ['lineNo', 'ASC'],
      ],
    });
  }

  async findById(orderId: string): Promise<Order | undefined> {
    const record = await this.byId.first([orderId]);
    return record ? (await this.withLines([record]))[0] : undefined;
  }

  /** The order a customer placed with an idempotency key. */
  async findByKey(customerId: string, idempotencyKey: string): Promise<Order | undefined> {
    const record = await this.orders.findOneBy({ customerId, idempotencyKey });
    return record ? (await this.withLines([record]))[0] : undefined;
  }

  /** A customer's orders, newest first (in the order they were stored). */
  async findPage(customerId: string, options: { offset: number; limit: number }): Promise<OrderSlice> {
    const [records, total] = await this.orders.findAndCount({
      where: { customerId },
      order: { seq: 'DESC' },
      skip: options.offset,
      take: options.limit,
    });
    return { items: await this.withLines(records), total };
  }

  /**
   * Stores a new order, its lines and its `event`, all or nothing; a pending order's saga opens
   * with it, held by the caller for `sagaLeaseMs`. False when the customer
   * already placed an order with the same idempotency key (also when a concurrent call stored it
   * first).
   */
  async insert(order: Order, event: OrderEventName, sagaLeaseMs = 0): Promise<boolean> {
    try {
      await inTransaction(this.dataSource, async (manager) => {
        await this.newOrder.run([toRecord(order)], manager);
        await this.newLines.run(toLineRecords(order), manager);
        const pending = order.status === 'pending';
        if (pending) await this.announce(manager, order, event);
        // The last write carries the commit (see commitWith): one round trip less.
        await commitWith(manager, () =>
          pending ? this.sagas.open(manager, order.orderId, sagaLeaseMs) : this.announce(manager, order, event),
        );
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Writes the order's status and progress (its lines never change), its `event` and its saga's
   * `steps` if given, only if it is still in status `expected`; the saga closes when the order is
   * final with nothing left to undo. False when it is not in `expected`: another call moved it
   * first, and this write (event and steps included) is lost.
   */
  async update(
    order: Order,
    expected: OrderStatus,
    event?: OrderEventName,
    steps: readonly SagaStepRecord[] = [],
  ): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const affected = await this.progress.run([order.orderId, expected], changingFields(order), manager);
      if (affected !== 1) return false;
      if (event) await this.announce(manager, order, event);
      const closes = order.status !== 'pending' && !order.compensationPending;
      if (closes) await this.sagas.log(manager, order.orderId, steps);
      // The last write carries the commit (see commitWith): one round trip less per transaction.
      await commitWith(manager, () =>
        closes ? this.sagas.close(manager, order.orderId) : this.sagas.log(manager, order.orderId, steps),
      );
      return true;
    });
  }

  /**
   * Stores a confirmed order as being cancelled (`compensationPending`) and opens its saga, held by
   * the cancelling call for `sagaLeaseMs`, before any refund is asked for: from
   * then on, a cancel cut short by a failure or a crash is finished by the saga recovery rather
   * than leaving a confirmed order whose money may have gone back. False when the order is no
   * longer `confirmed`.
   */
  async beginCancellation(order: Order, sagaLeaseMs: number): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const affected = await this.progress.run([order.orderId, 'confirmed'], changingFields(order), manager);
      if (affected !== 1) return false;
      await commitWith(manager, () => this.sagas.openIfAbsent(manager, order.orderId, sagaLeaseMs));
      return true;
    });
  }

  private async announce(manager: EntityManager, order: Order, event: OrderEventName): Promise<void> {
    await this.outbox.add(manager, orderEventEntry(event), orderEvent(order), { aggregateId: order.orderId });
  }

  private async withLines(records: OrderRecord[]): Promise<Order[]> {
    if (records.length === 0) return [];
    const lines = await this.linesOf.all([records.map((record) => record.orderId)]);
    return records.map((record) =>
      toOrder(
        record,
        lines.filter((line) => line.orderId === record.orderId),
      ),
    );
  }
}

function toOrder(record: OrderRecord, lines: OrderLineRecord[]): Order {
  return {
    orderId: record.orderId,
    customerId: record.customerId,
    ...(record.idempotencyKey === null ? {} : { idempotencyKey: record.idempotencyKey }),
    ...(record.requestFingerprint === null ? {} : { requestFingerprint: record.requestFingerprint }),
    status: record.status as OrderStatus,
    // PostgreSQL hands bigint back as a string; every amount here is far below 2^53.
    lines: lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: { amount: Number(line.unitAmount), currency: record.currency },
    })),
    total: { amount: Number(record.totalAmount), currency: record.currency },
    ...(record.reason === null ? {} : { reason: record.reason }),
    ...(record.stockStatus === null ? {} : { stock: record.stockStatus as StockProgress }),
    ...(record.paymentId === null
      ? {}
      : { payment: { paymentId: record.paymentId, status: record.paymentStatus as PaymentProgress['status'] } }),
    compensationPending: Boolean(record.compensationPending),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function toRecord(order: Order): OrderRecord {
  return Object.assign(new OrderRecord(), {
    orderId: order.orderId,
    customerId: order.customerId,
    idempotencyKey: order.idempotencyKey ?? null,
    requestFingerprint: order.requestFingerprint ?? null,
    totalAmount: order.total.amount,
    currency: order.total.currency,
    createdAt: order.createdAt,
    ...changingFields(order),
  });
}

/** The columns an order's update writes: {@link changingFields}'s. */
const CHANGING_FIELDS = [
  'status',
  'reason',
  'stockStatus',
  'paymentId',
  'paymentStatus',
  'compensationPending',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof OrderRecord>;

/** The columns that change after an order is stored: its status and the saga's progress. */
function changingFields(order: Order): Pick<OrderRecord, (typeof CHANGING_FIELDS)[number]> {
  return {
    status: order.status,
    reason: order.reason ?? null,
    stockStatus: order.stock ?? null,
    paymentId: order.payment?.paymentId ?? null,
    paymentStatus: order.payment?.status ?? null,
    compensationPending: order.compensationPending,
    updatedAt: order.updatedAt,
  };
}

function toLineRecords(order: Order): OrderLineRecord[] {
  return order.lines.map((line, lineNo) =>
    Object.assign(new OrderLineRecord(), {
      orderId: order.orderId,
      lineNo,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitAmount: line.unitPrice.amount,
    }),
  );
}
