import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';

/**
 * The media types the API reads request content in, as the JSON body parser is told them
 * (`configureApp`): `application/json` and the `+json` structured syntax (RFC 6839).
 */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/** The methods whose content the API reads; a GET's, HEAD's or DELETE's has no meaning (RFC 9110 §9.3). */
export const CONTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** `type/subtype` as RFC 9110 §8.3.1 spells a media type (tokens), parameters aside. */
const MEDIA_TYPE = /^\s*([!#$%&'*+.^`|~\w-]+)\/([!#$%&'*+.^`|~\w-]+)\s*(?:;|$)/;

/**
 * Answers 415 to a POST, PUT or PATCH of an API route whose content is not JSON (`text/plain`,
 * a form, no `Content-Type` at all). The JSON parser leaves such content unread, so the route saw
 * no body and answered a list of missing fields, which tells the client nothing of what it did
 * wrong. A request without content (`Content-Length: 0`, as for `POST /api/orders/:id/cancel`)
 * passes whatever its `Content-Type`. The problem is the one the JSON parser's own 415 (an
 * unsupported charset) gets: `HttpException` 415, answered by the problem filter.
 *
 * @throws UnsupportedMediaTypeException when the request has content in another media type.
 */
@Injectable()
export class JsonContentMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  use(request: IncomingMessage, _response: ServerResponse, next: (error?: unknown) => void): void {
    if (CONTENT_METHODS.has(request.method ?? '') && hasContent(request) && !isJson(request.headers['content-type']))
      throw new UnsupportedMediaTypeException(
        'The request content must be JSON: send it with Content-Type: application/json',
      );
    next();
  }
}

/** Whether content follows the headers: a chunked body, or a length above zero (RFC 9112 §6.3). */
function hasContent(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** Whether `contentType` names one of {@link JSON_MEDIA_TYPES} (case-insensitive, parameters aside). */
export function isJson(contentType: string | undefined): boolean {
  const match = MEDIA_TYPE.exec(contentType ?? '');
  if (!match) return false;
  const type = match[1]!.toLowerCase();
  const subtype = match[2]!.toLowerCase();
  return JSON_MEDIA_TYPES.some((accepted) => {
    const [acceptedType, acceptedSubtype] = accepted.split('/') as [string, string];
    if (type !== acceptedType) return false;
    if (!acceptedSubtype.startsWith('*')) return subtype === acceptedSubtype;
    // `*+json`: any subtype with that suffix, and something before it.
    const suffix = acceptedSubtype.slice(1);
    return subtype.length > suffix.length && subtype.endsWith(suffix);
  });
}
