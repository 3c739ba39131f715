import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ServerObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { BEARER_SCHEME } from '../edge/auth/auth.decorators.js';
import { CONTENT_METHODS } from '../edge/context/json-content.middleware.js';
import { problemResponse } from '../edge/docs/api-problems.decorator.js';

/** Where the Swagger UI is served; the OpenAPI document is at `<path>-json`. */
export const DOCS_PATH = 'docs';

/** Serves the API's OpenAPI document at `/docs-json` and the Swagger UI at `/docs`. */
export function setUpSwagger(app: INestApplication): void {
  serveApiDocs(app, () => apiDocument(app));
}

/**
 * Serves the document `documentOf` builds at `/docs-json` and the Swagger UI at `/docs` of `app`
 * (the internal listener's, in production). The document is built at the first request for it and
 * kept: building it walks every route and DTO (~60 ms of a cold start's main thread, bench:startup),
 * and a process that nobody asks for its docs never pays it.
 */
export function serveApiDocs(app: INestApplication, documentOf: () => OpenAPIObject): void {
  SwaggerModule.setup(DOCS_PATH, app, documentOf, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}

/**
 * The OpenAPI document of `app`'s HTTP API, as client generators and gateways read it: it passes
 * Redocly's recommended ruleset with no problem (`test/e2e/openapi-document.e2e-spec.ts`), and the
 * e2e suites check every response they receive against it.
 *
 * @param server where the API is: by default `/`, the host and port the document is read from (the
 *   edge serves it beside the API); the public port's URL when the internal listener serves it.
 */
export function apiDocument(app: INestApplication, server: ServerObject = SAME_ORIGIN): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Seam shop')
    .setDescription(
      'The HTTP API of the Seam reference application. Errors are RFC 9457 problem documents ' +
        "(`application/problem+json`) with a stable `code` and the request's `correlationId`. " +
        'Log in at `POST /api/auth/login`, then send `Authorization: Bearer <accessToken>`.',
    )
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer(server.url, server.description)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const [method, operation] of operationsOf(document)) completeOperation(method, operation);
  return document;
}

/** Relative: the edge serves the document beside the API, on whatever host and port it is reached. */
const SAME_ORIGIN: ServerObject = { url: '/', description: 'The edge that serves this document' };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationsOf(document: OpenAPIObject): Array<[string, OperationObject]> {
  return Object.values(document.paths).flatMap((item) =>
    METHODS.flatMap((method): Array<[string, OperationObject]> => (item[method] ? [[method, item[method]]] : [])),
  );
}

/**
 * What no decorator can say, added to every operation. Nest's explorer drops an empty `security`
 * list, so a public operation would declare nothing, which tools read as "unknown"; the bearer
 * guard only comes with `@Authenticated()` / `@Roles()`, which declare the scheme, so every other
 * operation is public: `security: []`. And the responses the app gives on routes it did not write:
 * the forbidden-keys middleware refuses a query (or body) on every route (400), the problem filter
 * answers a bug anywhere (500), the JSON parser refuses a JSON body over its limit on any route,
 * whether the operation takes a body or not (413: a GET or `POST …/cancel` sent one is parsed
 * too), and a POST, PUT or PATCH with content that is not JSON is refused (415,
 * `JsonContentMiddleware`).
 */
function completeOperation(method: string, operation: OperationObject): void {
  operation.security ??= [];
  const statuses = [400, 413, 500, ...(CONTENT_METHODS.has(method.toUpperCase()) ? [415] : [])];
  for (const status of statuses) operation.responses[status] ??= problemResponse(status);
}
