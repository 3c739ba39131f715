import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SeamTransportModule } from '@seam/transport';
import { AuthController } from './auth/auth.controller.js';
import { CallScopeMiddleware } from './context/call-scope.middleware.js';
import { EDGE_CALLER } from './context/edge-call.js';
import { ForbiddenKeysMiddleware } from './context/forbidden-keys.middleware.js';
import { JsonContentMiddleware } from './context/json-content.middleware.js';
import { HttpDrain } from './lifecycle/http-drain.js';
import { OrdersController } from './orders/orders.controller.js';
import { RouteTable } from './problems/route-table.js';
import { ProductAdminController } from './products/product-admin.controller.js';
import { ProductsController } from './products/products.controller.js';
import { EdgeThrottlingModule } from './throttling/edge-throttling.module.js';

const API_CONTROLLERS = [AuthController, ProductsController, ProductAdminController, OrdersController];

/**
 * The HTTP edge under `/api`: routes that translate HTTP to contract calls (as the `edge` caller)
 * and back, with no business logic. Every request runs in its own Seam call context, and its
 * body and query are checked for prototype-polluting keys before any controller sees them; a
 * POST, PUT or PATCH of an API route with content that is not JSON is answered 415.
 * Every `/api` request is throttled per client address, log-in and register also per account
 * (see `EdgeThrottlingModule`).
 */
@Module({
  imports: [SeamTransportModule.forModule(EDGE_CALLER), DiscoveryModule, EdgeThrottlingModule],
  controllers: API_CONTROLLERS,
  providers: [RouteTable, HttpDrain],
  exports: [RouteTable, HttpDrain],
})
export class EdgeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CallScopeMiddleware, ForbiddenKeysMiddleware).forRoutes('{*path}');
    // The API's routes only: a path no route has stays a 404, a method it does not allow a 405.
    consumer.apply(JsonContentMiddleware).forRoutes(...API_CONTROLLERS);
  }
}
