import type { ArgumentMetadata } from '@nestjs/common';

const UUID = '3f1c2b9e-8d4a-4c1e-9b2a-1f2e3d4c5b6a';
const AT = '2026-12-04T18:00:00.000Z';
const SKU = 'MUG-SEAM';
const MONEY = { amount: 1499, currency: 'EUR' };
const LINE = { sku: SKU, quantity: 2 };
const CARD = '4242424242424242';

/** A valid payload of each validated contract DTO, by `module.Class`: the starting point the fuzzer spoils. */
export const CONTRACT_SAMPLES: Record<string, Record<string, unknown>> = {
  'catalog.ListProducts': { page: 1, pageSize: 20, q: 'mug', includeInactive: false },
  'catalog.GetProduct': { sku: SKU },
  'catalog.GetPrices': { skus: [SKU, 'CUP-1'] },
  'catalog.CreateProduct': { sku: SKU, name: 'Mug', description: '', price: MONEY, active: true },
  'catalog.UpdateProduct': { sku: SKU, name: 'Mug', description: 'Enamel', price: MONEY, active: false },
  'catalog.Money': MONEY,
  'catalog.ProductChanged': { id: UUID, occurredAt: AT, sku: SKU, name: 'Mug', price: MONEY, active: true },
  'identity.RegisterUser': { email: 'ada@example.com', password: 'correct horse', name: 'Ada' },
  'identity.LogIn': { email: 'ada@example.com', password: 'correct horse' },
  'identity.VerifyToken': { token: 'a.b.c' },
  'identity.GetUser': { userId: UUID },
  'identity.GrantRoles': { userId: UUID, roles: ['customer', 'admin'] },
  'identity.GetCustomerActivity': { customerId: UUID },
  'identity.SignOut': { userId: UUID },
  'identity.ChangePassword': { userId: UUID, currentPassword: 'correct horse', newPassword: 'battery staple' },
  'identity.UserRegistered': { id: UUID, occurredAt: AT, userId: UUID, email: 'ada@example.com', name: 'Ada' },
  'inventory.StockLine': LINE,
  'inventory.ReserveStock': { orderId: UUID, lines: [LINE] },
  'inventory.ReservationRef': { orderId: UUID },
  'inventory.GetStock': { sku: SKU },
  'inventory.SetStock': { sku: SKU, available: 10 },
  'inventory.ReservationChanged': { id: UUID, occurredAt: AT, orderId: UUID, status: 'reserved', lines: [LINE] },
  'orders.OrderLineRequest': LINE,
  'orders.PlaceOrder': { customerId: UUID, lines: [LINE], cardNumber: CARD, idempotencyKey: 'order-key-1' },
  'orders.OrderRef': { orderId: UUID, customerId: UUID },
  'orders.ListOrders': { customerId: UUID, page: 1, pageSize: 20 },
  'orders.EventMoney': MONEY,
  'orders.OrderEvent': {
    id: UUID,
    occurredAt: AT,
    orderId: UUID,
    customerId: UUID,
    status: 'rejected',
    total: MONEY,
    reason: 'out of stock: MUG-SEAM',
  },
  'payments.Money': MONEY,
  'payments.AuthorizePayment': { idempotencyKey: 'pay-key-1', orderId: UUID, amount: MONEY, cardNumber: CARD },
  'payments.PaymentAction': { idempotencyKey: 'pay-key-1', paymentId: UUID },
  'payments.GetPayment': { paymentId: UUID },
  'payments.FindOrderPayments': { orderId: UUID },
  'payments.PaymentEvent': {
    id: UUID,
    occurredAt: AT,
    paymentId: UUID,
    orderId: UUID,
    amount: MONEY,
    status: 'declined',
    reason: 'card_declined',
  },
};

/** Where a DTO of the edge comes from in a request, and a valid value of it. */
export interface EdgeSample {
  part: ArgumentMetadata['type'];
  sample: Record<string, unknown>;
}

/** A valid value of each validated edge DTO, by `file.Class`. Query and path values are text. */
export const EDGE_SAMPLES: Record<string, EdgeSample> = {
  'auth.RegisterRequest': {
    part: 'body',
    sample: { email: 'ada@example.com', password: 'correct horse', name: 'Ada' },
  },
  'auth.LoginRequest': { part: 'body', sample: { email: 'ada@example.com', password: 'correct horse' } },
  'auth.ChangePasswordRequest': {
    part: 'body',
    sample: { currentPassword: 'correct horse', newPassword: 'battery staple' },
  },
  'money.MoneyDto': { part: 'body', sample: MONEY },
  'orders.OrderLineRequest': { part: 'body', sample: LINE },
  'orders.PlaceOrderRequest': { part: 'body', sample: { lines: [LINE], cardNumber: CARD } },
  'orders.ListOrdersQuery': { part: 'query', sample: { page: '1', pageSize: '20' } },
  'orders.OrderIdParams': { part: 'param', sample: { id: UUID } },
  'products.ListProductsQuery': { part: 'query', sample: { page: '2', pageSize: '10', q: 'mug' } },
  'products.SkuParams': { part: 'param', sample: { sku: SKU } },
  'products.CreateProductRequest': {
    part: 'body',
    sample: { sku: SKU, name: 'Mug', description: 'Enamel', price: MONEY, active: true },
  },
  'products.UpdateProductRequest': {
    part: 'body',
    sample: { name: 'Mug', description: 'Enamel', price: MONEY, active: false },
  },
  'products.SetStockRequest': { part: 'body', sample: { available: 10 } },
};
