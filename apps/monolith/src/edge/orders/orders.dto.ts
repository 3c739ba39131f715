import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OrderLine, OrderPage, OrderPaymentStatus, OrderStatus, OrderView } from '@contracts/orders';
import { Nested, Optional } from '@seam/transport';
import { IsInt, IsString, IsUUID, MaxLength } from 'class-validator';
import { MoneyDto } from '../money.dto.js';

// Shapes only: limits (lines per order, quantities, card syntax) are the orders module's rules,
// enforced at its door and reported with these same field names.

/** One line of an order to place. */
export class OrderLineRequest {
  @ApiProperty({ example: 'MUG-SEAM' }) @IsString() @MaxLength(40) sku!: string;
  @ApiProperty({
    minimum: 1,
    maximum: 100,
    example: 2,
    description:
      'At most 100 of a product per order: lines of the same sku are added up, and their total too is at most 100',
  })
  @IsInt()
  quantity!: number;
}

/** `POST /api/orders`: the customer is whoever the access token belongs to, never a field. */
export class PlaceOrderRequest {
  @ApiProperty({
    type: [OrderLineRequest],
    minItems: 1,
    maxItems: 20,
    description: 'Lines of the same sku are placed as one line, their quantities added up (at most 100 per product)',
  })
  @Nested(() => OrderLineRequest, { maxItems: 20 })
  lines!: OrderLineRequest[];

  @ApiProperty({ description: '12 to 19 digits; 4000000000000002 is always declined', example: '4242424242424242' })
  @IsString()
  @MaxLength(19)
  cardNumber!: string;
}

/** `GET /api/orders?page=&pageSize=` */
export class ListOrdersQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 }) @Optional() @IsInt() page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 }) @Optional() @IsInt() pageSize?: number;
}

/** `/api/orders/:id…` */
export class OrderIdParams {
  @ApiProperty({ format: 'uuid' }) @MaxLength(36) @IsUUID('4') id!: string;
}

const STATUSES: OrderStatus[] = ['pending', 'confirmed', 'rejected', 'cancelled'];

/** One line of a placed order, priced when it was placed. */
export class OrderLineResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ type: MoneyDto }) unitPrice!: MoneyDto;
  @ApiProperty({ type: MoneyDto }) lineTotal!: MoneyDto;

  static from(line: OrderLine): OrderLineResponse {
    return {
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: MoneyDto.from(line.unitPrice),
      lineTotal: MoneyDto.from(line.lineTotal),
    };
  }
}

const PAYMENT_STATUSES: OrderPaymentStatus[] = ['authorized', 'declined', 'captured', 'refunded'];

/** The payment of an order. */
export class OrderPaymentResponse {
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty({
    enum: PAYMENT_STATUSES,
    description: 'captured once confirmed; refunded once cancelled or compensated',
  })
  status!: OrderPaymentStatus;
}

/** An order as the HTTP API shows it to its customer. */
export class OrderResponse {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ enum: STATUSES, description: 'pending → confirmed | rejected; confirmed → cancelled' })
  status!: OrderStatus;
  @ApiProperty({ type: [OrderLineResponse] }) lines!: OrderLineResponse[];
  @ApiProperty({ type: MoneyDto }) total!: MoneyDto;
  @ApiPropertyOptional({ description: 'Why it was rejected', example: 'payment declined: card_declined' })
  reason?: string;
  @ApiPropertyOptional({ type: OrderPaymentResponse, description: 'Absent when the order failed before paying' })
  payment?: OrderPaymentResponse;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(view: OrderView): OrderResponse {
    return {
      orderId: view.orderId,
      status: view.status,
      lines: view.lines.map((line) => OrderLineResponse.from(line)),
      total: MoneyDto.from(view.total),
      ...(view.reason === undefined ? {} : { reason: view.reason }),
      ...(view.payment === undefined
        ? {}
        : { payment: { paymentId: view.payment.paymentId, status: view.payment.status } }),
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
    };
  }
}

/** One page of the customer's orders, newest first. */
export class OrderPageResponse {
  @ApiProperty({ type: [OrderResponse] }) items!: OrderResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;

  static from(page: OrderPage): OrderPageResponse {
    return {
      items: page.items.map((item) => OrderResponse.from(item)),
      page: page.page,
      pageSize: page.pageSize,
      total: page.total,
    };
  }
}
