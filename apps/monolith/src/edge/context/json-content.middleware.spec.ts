import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { isJson, JsonContentMiddleware } from './json-content.middleware.js';

/** What the middleware does with a request of `method` and `headers`: `next`, or the status it refuses with. */
function verdict(method: string, headers: IncomingMessage['headers']): unknown {
  let passed = false;
  try {
    new JsonContentMiddleware().use(
      { method, headers } as IncomingMessage,
      {} as ServerResponse,
      () => (passed = true),
    );
  } catch (error) {
    return error instanceof UnsupportedMediaTypeException ? error.getStatus() : error;
  }
  return passed ? 'next' : 'neither next nor a refusal';
}

describe('JsonContentMiddleware', () => {
  describe('use', () => {
    it('refuses POST, PUT and PATCH content that is not JSON with 415', () => {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        expect(verdict(method, { 'content-type': 'text/plain', 'content-length': '2' })).toBe(415);
        expect(verdict(method, { 'content-length': '2' })).toBe(415);
        expect(verdict(method, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })).toBe(415);
      }
    });

    it('lets JSON through, and any request without content', () => {
      expect(verdict('POST', { 'content-type': 'application/json', 'content-length': '2' })).toBe('next');
      expect(verdict('POST', { 'content-type': 'text/plain', 'content-length': '0' })).toBe('next');
      expect(verdict('POST', {})).toBe('next');
    });

    it('leaves the content of other methods alone: it means nothing to them', () => {
      for (const method of ['GET', 'HEAD', 'DELETE', 'OPTIONS'])
        expect(verdict(method, { 'content-type': 'text/plain', 'content-length': '2' })).toBe('next');
    });
  });

  describe('isJson', () => {
    it('takes application/json and the +json suffix as the JSON parser does, in any case, with parameters', () => {
      for (const type of [
        'application/json',
        'Application/JSON',
        'application/json; charset=utf-8',
        'application/json ; charset=utf-8',
        ' application/json',
        'application/json;',
        'application/vnd.api+json',
        'application/merge-patch+json',
      ])
        expect([type, isJson(type)]).toEqual([type, true]);
    });

    it('refuses every other type, and what does not parse as one', () => {
      for (const type of [
        undefined,
        '',
        'text/plain',
        'text/json',
        'application/jsonx',
        'application/+json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json garbage',
        'application/json, text/plain',
        'json',
      ])
        expect([type, isJson(type)]).toEqual([type, false]);
    });
  });
});
