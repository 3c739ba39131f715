import { ApiProperty } from '@nestjs/swagger';
import type { PriceQuote } from '@contracts/catalog';
import { MoneyDto } from '../money.dto.js';
import { OrderResponse } from './orders.dto.js';

/** A product of an order as the catalog shows it now (the order's lines keep the price it was sold at). */
export class OrderProductResponse {
  @ApiProperty({ example: 'MUG-SEAM' }) sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: MoneyDto, description: 'Its price today' }) unitPrice!: MoneyDto;
  @ApiProperty({ description: 'Whether it can still be ordered' }) active!: boolean;

  static from(quote: PriceQuote): OrderProductResponse {
    return { sku: quote.sku, name: quote.name, unitPrice: MoneyDto.from(quote.unitPrice), active: quote.active };
  }
}

/** `GET /api/orders/:id/details`: an order (orders module) with its products (catalog module). */
export class OrderDetailsResponse {
  @ApiProperty({ type: OrderResponse }) order!: OrderResponse;

  @ApiProperty({
    type: [OrderProductResponse],
    description: 'One per sku of the order, in line order; a sku the catalog no longer knows is left out',
  })
  products!: OrderProductResponse[];
}
