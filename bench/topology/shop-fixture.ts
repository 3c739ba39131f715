/** What the measured flows need, prepared over the HTTP API of a freshly started topology. */
export interface ShopFixture {
  /** A signed-in customer's bearer token. */
  customerToken: string;
  /** A confirmed order of that customer, of two products: the read flow reads it. */
  orderId: string;
  /** A product stocked for every order the place-order flow can place in one run. */
  sku: string;
}

/** The seeded admin (SEAM_ADMIN_EMAIL / SEAM_ADMIN_PASSWORD of the processes). */
export const BENCH_ADMIN = { email: 'admin@seam.local', password: 'bench-admin-password' };

/** The most units inventory accepts for one sku: no run places that many orders. */
const UNLIMITED_STOCK = 1_000_000_000;
export const APPROVED_CARD = '4242424242424242';

async function call(baseUrl: string, method: string, path: string, body?: object, token?: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function logIn(baseUrl: string, email: string, password: string): Promise<string> {
  return ((await call(baseUrl, 'POST', '/api/auth/login', { email, password })) as { accessToken: string }).accessToken;
}

/**
 * As the admin: a product with all the stock inventory allows; as a new customer: one order of
 * that product and the seeded MUG-SEAM, checked to be confirmed and readable with its details.
 */
export async function prepareShop(baseUrl: string): Promise<ShopFixture> {
  const admin = await logIn(baseUrl, BENCH_ADMIN.email, BENCH_ADMIN.password);
  const sku = 'BENCH-WIDGET';
  await call(
    baseUrl,
    'POST',
    '/api/products',
    { sku, name: 'Benchmark widget', price: { amount: 1_000, currency: 'EUR' } },
    admin,
  );
  await call(baseUrl, 'PUT', `/api/products/${sku}/stock`, { available: UNLIMITED_STOCK }, admin);
  const customer = { email: 'bench@example.com', password: 'bench customer password', name: 'Bench' };
  await call(baseUrl, 'POST', '/api/auth/register', customer);
  const customerToken = await logIn(baseUrl, customer.email, customer.password);
  const lines = [
    { sku, quantity: 1 },
    { sku: 'MUG-SEAM', quantity: 1 },
  ];
  const order = (await call(baseUrl, 'POST', '/api/orders', { lines, cardNumber: APPROVED_CARD }, customerToken)) as {
    orderId: string;
    status: string;
  };
  if (order.status !== 'confirmed') throw new Error(`The fixture order is ${order.status}: ${JSON.stringify(order)}`);
  const details = (await call(baseUrl, 'GET', `/api/orders/${order.orderId}/details`, undefined, customerToken)) as {
    products: unknown[];
  };
  if (details.products.length !== 2)
    throw new Error(`The fixture order's details lack products: ${JSON.stringify(details)}`);
  return { customerToken, orderId: order.orderId, sku };
}
