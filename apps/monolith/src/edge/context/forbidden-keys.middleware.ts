import type { ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type FieldViolation, invalidPayload, MAX_PAYLOAD_DEPTH } from '@seam/transport';
import type { EdgeRequest } from './edge-request.js';
import { type PayloadScan, scanBody, scanPayload } from './payload-scan.js';

/**
 * Refuses, for every route, a JSON body or query string holding a `__proto__`, `constructor` or
 * `prototype` key at any depth (or nested deeper than the door allows), or text holding U+0000.
 * Nest's ValidationPipe would silently strip such keys; the edge refuses them out loud, as the
 * module doors do, and also on routes that take no body at all. U+0000 is refused here, once for
 * every field, because PostgreSQL refuses it: each such request was a 500, counted as the
 * module's failure by its circuit breaker, so a few anonymous ones cut the module off for all.
 * Body and query are each walked once (`scanBody`, `scanPayload`), the body also for the
 * validation pipe's own check (keys named like `Object.prototype`'s methods).
 *
 * @throws ValidationError naming each offending path within the body or query (`lines[0].__proto__`,
 * `q`), capped as every refusal of input is (`invalidPayload`): the edge answers it 400.
 */
@Injectable()
export class ForbiddenKeysMiddleware implements NestMiddleware<EdgeRequest, ServerResponse> {
  use(request: EdgeRequest, _response: ServerResponse, next: (error?: unknown) => void): void {
    const body = scanBody(request.body);
    const query = scanPayload(request.query);
    const keys = [...keyViolations(body), ...keyViolations(query)];
    if (keys.length > 0) throw invalidPayload('The request holds keys that are never accepted', keys);
    const nul = [...body.nul, ...query.nul];
    if (nul.length > 0) {
      const fields = nul.map((path) => ({ path, messages: [`${lastStep(path)} must not contain U+0000 (NUL)`] }));
      throw invalidPayload('The request holds text with U+0000 (NUL), which no field accepts', fields);
    }
    next();
  }
}

function keyViolations(scan: PayloadScan): FieldViolation[] {
  const fields = scan.forbidden.map((path) => ({ path, messages: [`${lastStep(path)} is a forbidden key`] }));
  if (scan.tooDeep) fields.push({ path: '', messages: [`must not be nested deeper than ${MAX_PAYLOAD_DEPTH} levels`] });
  return fields;
}

const lastStep = (path: string): string => path.split('.').pop()!;
