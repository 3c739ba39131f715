import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { type AuthorizePayment, type GetPayment, type Payment, PaymentsContract } from '@contracts/payments';
import { seamCredentials } from '@seam/transport';
import { firstValueFrom } from 'rxjs';
import type { ProcessShopSystem } from '../support/topology-target.js';

/**
 * What a stock Nest client receives when a call fails: the callee's Seam error, serialized —
 * a plain object (not an `Error`), the same `{ code, message, details }` every Seam caller
 * decodes into its typed error class.
 */
interface SerializedSeamError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    (value) => ({ unexpectedAnswer: value }),
    (error: unknown) => error,
  );

/**
 * Wire compatibility of an extracted module: a plain `ClientProxy` of `@nestjs/microservices`
 * (`Transport.TCP`), knowing nothing of Seam but the module's contract package (its pattern
 * constants and DTO types), calls the payments service as it runs in production. What it sees:
 * - an answer is the contract's response, as plain JSON (dates are ISO strings);
 * - a failure arrives on the Observable's error channel as the serialized Seam error (see
 *   {@link SerializedSeamError}): a refused request is `VALIDATION` with `details.fields`, a
 *   missing payment `NOT_FOUND`, a pattern the service does not serve `UNAVAILABLE` with
 *   `details.reason: 'unknown-pattern'` (where a stock Nest server would answer a bare string);
 * - it is given credentials through Nest's dispatch hook (`seamCredentials`: the caller's name and
 *   the envelope's signature under the pair key of orders and payments): payments admits only
 *   `orders`; a client without credentials is refused `UNAUTHENTICATED`, and one that only names
 *   a caller is refused the same — a name proves nothing (docs/security.md). It sends no trace
 *   context, so the callee starts a new trace.
 */
export function stockClientChecks(system: () => ProcessShopSystem): void {
  describe('a stock Nest ClientProxy over TCP, knowing only @contracts/payments, calling the payments service', () => {
    let client: ClientProxy;
    let tcp: { host: string; port: number };

    beforeAll(async () => {
      const address = system().processes.topology.services.find(({ module }) => module === 'payments')!.address;
      if (address.transport !== 'tcp') throw new Error(`payments is served over ${address.transport} here, not TCP`);
      tcp = { host: address.host, port: address.port };
      client = ClientProxyFactory.create({
        transport: Transport.TCP,
        options: { host: address.host, port: address.port },
      });
      client.setOnDispatchHook(seamCredentials({ caller: 'orders', keys: system().processes.meshKeysAs('orders') }));
      await client.connect();
    });

    afterAll(async () => {
      await client?.close();
    });

    it('authorizes a payment: the answer is the contract’s Payment, as plain JSON', async () => {
      const request: AuthorizePayment = {
        idempotencyKey: `stock-client-${randomUUID()}`,
        orderId: randomUUID(),
        amount: { amount: 1_999, currency: 'EUR' },
        cardNumber: '4242424242424242',
      };
      const payment = await firstValueFrom(
        client.send<Payment, AuthorizePayment>(PaymentsContract.authorizePayment.pattern, request),
      );
      expect(payment).toEqual({
        paymentId: expect.any(String),
        orderId: request.orderId,
        amount: { amount: 1_999, currency: 'EUR' },
        status: 'authorized',
        cardLast4: '4242',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      // The same key again: the first answer, not a second hold.
      expect(
        await firstValueFrom(
          client.send<Payment, AuthorizePayment>(PaymentsContract.authorizePayment.pattern, request),
        ),
      ).toEqual(payment);
    });

    it('is refused UNAUTHENTICATED without credentials, even naming an allowed caller, before its payload is looked at', async () => {
      const nameless = ClientProxyFactory.create({ transport: Transport.TCP, options: tcp });
      const namedOnly = ClientProxyFactory.create({ transport: Transport.TCP, options: tcp });
      namedOnly.setOnDispatchHook((packet) => {
        packet.metadata = { ...packet.metadata, 'seam-caller': 'orders' };
      });
      try {
        for (const [stock, caller] of [
          [nameless, 'unknown'],
          [namedOnly, 'orders'],
        ] as const) {
          const refused = await failureOf(
            firstValueFrom(stock.send(PaymentsContract.authorizePayment.pattern, { orderId: 'not-a-uuid' })),
          );
          expect(refused).toEqual({
            code: 'UNAUTHENTICATED',
            message: `Envelope of "payments.authorize-payment" from "${caller}" refused: missing`,
            details: { reason: 'missing' },
          } satisfies SerializedSeamError);
        }
      } finally {
        await nameless.close();
        await namedOnly.close();
      }
    });

    it('gets typed errors as serialized Seam error objects: VALIDATION with the fields, NOT_FOUND, UNAVAILABLE for an unknown pattern', async () => {
      const refused = await failureOf(
        firstValueFrom(
          client.send(PaymentsContract.authorizePayment.pattern, { orderId: 'not-a-uuid', customerId: 'x' }),
        ),
      );
      expect(refused).not.toBeInstanceOf(Error);
      expect(refused).toEqual({
        code: 'VALIDATION',
        message: 'Invalid AuthorizePayment',
        details: { fields: expect.any(Array) },
      } satisfies SerializedSeamError);
      const paths = ((refused as SerializedSeamError).details.fields as Array<{ path: string }>).map(
        ({ path }) => path,
      );
      expect(paths).toEqual(expect.arrayContaining(['customerId', 'orderId', 'idempotencyKey', 'cardNumber']));

      const paymentId = randomUUID();
      const missing = await failureOf(
        firstValueFrom(client.send<Payment, GetPayment>(PaymentsContract.getPayment.pattern, { paymentId })),
      );
      expect(missing).toEqual({
        code: 'NOT_FOUND',
        message: `No payment ${paymentId}`,
        details: { paymentId },
      } satisfies SerializedSeamError);

      const unknown = await failureOf(firstValueFrom(client.send('payments.mint-money', {})));
      expect(unknown).toEqual({
        code: 'UNAVAILABLE',
        message: 'No handler for "payments.mint-money" at the callee',
        details: { reason: 'unknown-pattern', pattern: 'payments.mint-money' },
      } satisfies SerializedSeamError);
    });
  });
}
