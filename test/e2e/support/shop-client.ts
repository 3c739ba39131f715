import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { expect } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import request, { type Response } from 'supertest';
import { E2E_ADMIN } from './e2e-accounts.js';
import { ResponseContract } from './response-contract.js';

/** A registered, logged-in customer. */
export interface Customer {
  userId: string;
  email: string;
  password: string;
  token: string;
}

/** `Authorization` header of a token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A name no other test of the run uses (emails, skus). */
export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`.toUpperCase();

/**
 * The shop's HTTP API as the journeys use it: each step asserts its own status, so that a journey
 * reads as the user's actions.
 */
export class ShopClient {
  private adminToken?: Promise<string>;
  private contract?: ResponseContract;

  /** @param app where requests go: the in-process app's HTTP server, or the base URL of a running edge (read per request: a restart may move it). */
  constructor(private readonly app: () => Server | string) {}

  /** A supertest request builder for the current app (its responses checked once {@link checkResponses} was called). */
  http(): ReturnType<typeof request> {
    const agent = request(this.app());
    return this.contract ? this.contract.watch(agent) : agent;
  }

  /**
   * A supertest request builder whose responses are never checked against the OpenAPI document: for
   * what HTTP itself answers and no operation declares (a `304 Not Modified`).
   */
  unchecked(): ReturnType<typeof request> {
    return request(this.app());
  }

  /**
   * From now on, every response this client receives must be what the app's own OpenAPI document
   * (`/docs-json`, fetched now) declares for its operation and status ({@link ResponseContract}):
   * awaiting a response that is not rejects with what differs.
   */
  async checkResponses(): Promise<void> {
    const document = await request(this.app()).get('/docs-json');
    expectStatus(document, 200, 'read the OpenAPI document');
    this.contract = new ResponseContract(document.body as OpenAPIObject, {
      unrouted: { schema: '#/components/schemas/ProblemDto', mediaType: 'application/problem+json' },
      // The document, the Swagger UI, metrics and the dashboard are not part of the API the document describes.
      unchecked: [/^\/docs(-json)?(\/|$)/, /^\/metrics$/, /^\/_seam(\/|$)/],
    });
  }

  async register(label: string): Promise<Customer> {
    const email = `${unique(label).toLowerCase()}@example.com`;
    const password = `${label} password 123`;
    const registered = await this.http().post('/api/auth/register').send({ email, password, name: label });
    expectStatus(registered, 201, 'register');
    return {
      userId: (registered.body as { id: string }).id,
      email,
      password,
      token: await this.logIn(email, password),
    };
  }

  async logIn(email: string, password: string): Promise<string> {
    const session = await this.http().post('/api/auth/login').send({ email, password });
    expectStatus(session, 200, 'log in');
    return (session.body as { accessToken: string }).accessToken;
  }

  /** The seeded admin's token (logged in once per client). */
  admin(): Promise<string> {
    this.adminToken ??= this.logIn(E2E_ADMIN.email, E2E_ADMIN.password);
    return this.adminToken;
  }

  /** A new active product (admin), stocked with `stock` units; answers its sku. */
  async newProduct(options: { price: number; stock: number }): Promise<string> {
    const sku = unique('E2E');
    const admin = bearer(await this.admin());
    const created = await this.http()
      .post('/api/products')
      .set(admin)
      .send({ sku, name: `Product ${sku}`, price: { amount: options.price, currency: 'EUR' } });
    expectStatus(created, 201, 'create product');
    expectStatus(
      await this.http().put(`/api/products/${sku}/stock`).set(admin).send({ available: options.stock }),
      200,
      'set stock',
    );
    return sku;
  }

  /** Units of `sku` that can still be ordered. */
  async available(sku: string): Promise<number> {
    const stock = await this.http()
      .get(`/api/products/${sku}/stock`)
      .set(bearer(await this.admin()));
    expectStatus(stock, 200, 'read stock');
    return (stock.body as { available: number }).available;
  }

  placeOrder(customer: Customer, body: object, idempotencyKey?: string): Promise<Response> {
    const call = this.http().post('/api/orders').set(bearer(customer.token));
    return (idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call).send(body);
  }
}

/**
 * Fails a journey step whose answer is not `status`, with the step's name and the answer's body
 * (a plain throw: these steps run inside tests but are not tests themselves).
 */
function expectStatus(response: Response, status: number, step: string): void {
  if (response.status !== status) {
    throw new Error(`${step}: expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

/**
 * Asserts that `response` is the RFC 9457 problem document of `status` and `code` for the request
 * path `instance`, carrying the request's correlation id, and returns its body.
 */
export function expectProblem(
  response: Response,
  status: number,
  code: string,
  instance: string,
): Record<string, unknown> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = response.body as Record<string, unknown>;
  expect(body).toMatchObject({
    type: expect.stringMatching(/^tag:seam\.local,2026:problems\//),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance,
    code,
    correlationId: response.headers['x-correlation-id'],
  });
  return body;
}

/** The field paths of a validation problem. */
export const errorPaths = (body: Record<string, unknown>) =>
  (body.errors as Array<{ path: string }>).map((error) => error.path);
