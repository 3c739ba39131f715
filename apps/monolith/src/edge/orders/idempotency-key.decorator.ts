import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ValidationError } from '@seam/transport';
import type { EdgeRequest } from '../context/edge-request.js';

/** The `Idempotency-Key` header's syntax: the one `PlaceOrder.idempotencyKey` accepts. */
const KEY = /^[A-Za-z0-9._:-]{8,100}$/;

/**
 * The optional `Idempotency-Key` header, checked here so that a bad one is reported under its
 * HTTP name rather than as the contract's `idempotencyKey` field.
 *
 * @throws ValidationError with the path `Idempotency-Key`.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header === 'string' && KEY.test(header)) return header;
  throw new ValidationError('Invalid Idempotency-Key header', [
    { path: 'Idempotency-Key', messages: ['Idempotency-Key must be 8 to 100 letters, digits or . _ : -'] },
  ]);
}

/** The request's `Idempotency-Key` header, if any (see {@link idempotencyKeyOf}). */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined =>
  idempotencyKeyOf(context.switchToHttp().getRequest<EdgeRequest>().headers['idempotency-key']),
);
