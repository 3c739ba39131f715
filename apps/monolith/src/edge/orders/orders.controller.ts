import { Body, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CatalogContract } from '@contracts/catalog';
import type { Principal } from '@contracts/identity';
import { OrdersContract } from '@contracts/orders';
import { SeamClient } from '@seam/transport';
import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators.js';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { EdgeController } from '../edge-controller.decorator.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';
import { idempotencyProblemOf } from './idempotency-reuse.js';
import { OrderDetailsResponse, OrderProductResponse } from './order-details.dto.js';
import { ListOrdersQuery, OrderIdParams, OrderPageResponse, OrderResponse, PlaceOrderRequest } from './orders.dto.js';

/**
 * A placed order runs a saga of five calls, two of which wait for the payment provider; it gets
 * more than one call's default deadline (and at most what is left of the request's budget).
 */
const SAGA_TIMEOUT_MS = 12_000;

/**
 * The customer's orders, through `OrdersContract`. The customer is always the verified token's
 * user, never a field of the request; another customer's order is a 404, as if it did not exist.
 */
@EdgeController('api/orders', 'orders')
@Authenticated()
export class OrdersController {
  constructor(private readonly seam: SeamClient) {}

  @Post()
  @ApiOperation({ summary: 'Place an order and pay for it; answered confirmed, or rejected with the reason' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'The same key with the same order again (the same products, quantities and card, lines in any order) answers the order it first placed; with a different one it is a 422',
  })
  @ApiCreatedResponse({
    type: OrderResponse,
    description: 'The order, confirmed or rejected (a rejection is an answer, not an error)',
  })
  @ApiProblems(422)
  async place(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PlaceOrderRequest,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<OrderResponse> {
    const lines = body.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    const request = { customerId: principal.userId, lines, cardNumber: body.cardNumber, idempotencyKey };
    const order = await this.seam
      .send(OrdersContract.placeOrder, request, { timeoutMs: SAGA_TIMEOUT_MS })
      .catch((error: unknown) => {
        throw idempotencyProblemOf(error);
      });
    return OrderResponse.from(order);
  }

  @Get()
  @ApiOperation({ summary: 'My orders, newest first' })
  @ApiOkResponse({ type: OrderPageResponse })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListOrdersQuery): Promise<OrderPageResponse> {
    return OrderPageResponse.from(
      await this.seam.send(OrdersContract.listOrders, {
        customerId: principal.userId,
        page: query.page,
        pageSize: query.pageSize,
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of my orders' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems(404)
  async get(@CurrentPrincipal() principal: Principal, @Param() params: OrderIdParams): Promise<OrderResponse> {
    return OrderResponse.from(
      await this.seam.send(OrdersContract.getOrder, { orderId: params.id, customerId: principal.userId }),
    );
  }

  @Get(':id/details')
  @ApiOperation({ summary: 'One of my orders with its products as the catalog shows them now' })
  @ApiOkResponse({ type: OrderDetailsResponse })
  @ApiProblems(404)
  async details(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrderIdParams,
  ): Promise<OrderDetailsResponse> {
    const order = await this.seam.send(OrdersContract.getOrder, { orderId: params.id, customerId: principal.userId });
    // An order has at most 20 lines and getPrices takes 50 skus: one catalog call answers them all.
    const skus = [...new Set(order.lines.map((line) => line.sku))];
    const { prices } = await this.seam.send(CatalogContract.getPrices, { skus });
    const bySku = new Map(prices.map((quote) => [quote.sku, quote]));
    const products = skus
      .map((sku) => bySku.get(sku))
      .filter((quote) => quote !== undefined)
      .map((quote) => OrderProductResponse.from(quote));
    return { order: OrderResponse.from(order), products };
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a confirmed order: refunds the payment and restocks the products' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems(404, 409)
  async cancel(@CurrentPrincipal() principal: Principal, @Param() params: OrderIdParams): Promise<OrderResponse> {
    const request = { orderId: params.id, customerId: principal.userId };
    return OrderResponse.from(
      await this.seam.send(OrdersContract.cancelOrder, request, { timeoutMs: SAGA_TIMEOUT_MS }),
    );
  }
}
