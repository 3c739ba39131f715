import type { ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type FieldViolation, findForbiddenKeys, MAX_PAYLOAD_DEPTH, ValidationError } from '@seam/transport';
import type { EdgeRequest } from './edge-request.js';

/**
 * Refuses, for every route, a JSON body or query string holding a `__proto__`, `constructor` or
 * `prototype` key at any depth (or nested deeper than the door allows). Nest's ValidationPipe
 * would silently strip such keys; the edge refuses them out loud, as the module doors do, and
 * also on routes that take no body at all.
 *
 * @throws ValidationError naming each offending path within the body or query (`lines[0].__proto__`).
 */
@Injectable()
export class ForbiddenKeysMiddleware implements NestMiddleware<EdgeRequest, ServerResponse> {
  use(request: EdgeRequest, _response: ServerResponse, next: (error?: unknown) => void): void {
    const fields = [...violations(request.body), ...violations(request.query)];
    if (fields.length > 0) throw new ValidationError('The request holds keys that are never accepted', fields);
    next();
  }
}

function violations(value: unknown): FieldViolation[] {
  const scan = findForbiddenKeys(value);
  const fields = scan.paths.map((path) => ({ path, messages: [`${path.split('.').pop()} is a forbidden key`] }));
  if (scan.tooDeep) fields.push({ path: '', messages: [`must not be nested deeper than ${MAX_PAYLOAD_DEPTH} levels`] });
  return fields;
}
