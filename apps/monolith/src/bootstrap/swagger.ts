import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from '../edge/auth/auth.decorators.js';

/** Where the Swagger UI is served; the OpenAPI document is at `<path>-json`. */
export const DOCS_PATH = 'docs';

/** Serves the API's OpenAPI document at `/docs-json` and the Swagger UI at `/docs`. */
export function setUpSwagger(app: INestApplication): void {
  serveApiDocs(app, apiDocument(app));
}

/** Serves `document` at `/docs-json` and the Swagger UI at `/docs` of `app` (the internal listener's, in production). */
export function serveApiDocs(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}

/** The OpenAPI document of `app`'s HTTP API. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Seam shop')
    .setDescription(
      'The HTTP API of the Seam reference application. Errors are RFC 9457 problem documents ' +
        "(`application/problem+json`) with a stable `code` and the request's `correlationId`. " +
        'Log in at `POST /api/auth/login`, then send `Authorization: Bearer <accessToken>`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config);
}
