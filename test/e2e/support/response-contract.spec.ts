import { createServer } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { type CheckedResponse, ResponseContract } from './response-contract.js';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

// A document small enough to read at a glance, with what the shop's has: refs, formats, nested
// objects, a 4XX range, a response with no body, an unchecked path.
const DOCUMENT = {
  openapi: '3.0.0',
  info: { title: 'fixture', version: '1' },
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '4XX': { description: 'client error', content: problem },
        },
      },
      delete: { responses: { 200: { description: 'gone, nothing to say' } } },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'owner'],
        properties: { id: { type: 'string', format: 'uuid' }, owner: { $ref: '#/components/schemas/Owner' } },
      },
      Owner: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
      Problem: { type: 'object', required: ['status'], properties: { status: { type: 'integer' } } },
    },
  },
} as unknown as OpenAPIObject;

const ID = '0b6f7f2e-6a57-4b4e-9f0e-2d6c1f2b7a10';

function json(status: number, body: unknown, mediaType = 'application/json'): CheckedResponse {
  return { status, headers: { 'content-type': `${mediaType}; charset=utf-8` }, body, text: JSON.stringify(body) };
}

describe('ResponseContract', () => {
  const contract = new ResponseContract(DOCUMENT, {
    unrouted: { schema: '#/components/schemas/Problem', mediaType: 'application/problem+json' },
    unchecked: [/^\/docs/],
  });
  const check = (method: string, path: string, response: CheckedResponse) => () =>
    contract.check(method, `http://127.0.0.1:1${path}`, response);

  describe('check', () => {
    it('accepts what the document declares: a body of the schema, a status range, no body where none is declared', () => {
      expect(check('GET', `/things/${ID}`, json(200, { id: ID, owner: { email: 'a@example.com' } }))).not.toThrow();
      expect(check('GET', '/things/x', json(404, { status: 404 }, 'application/problem+json'))).not.toThrow();
      expect(check('DELETE', `/things/${ID}`, { status: 200, headers: {}, body: {}, text: '' })).not.toThrow();
      expect(check('GET', '/docs-json', json(200, { anything: true }))).not.toThrow();
    });

    it('refuses a body that breaks the schema, naming the path and the rule, through $refs and formats', () => {
      expect(check('GET', `/things/${ID}`, json(200, { id: 'not-a-uuid', owner: {} }))).toThrow(
        /GET \/things\/.* → 200: body does not match[\s\S]*\/id must match format "uuid"[\s\S]*\/owner must have required property 'email'/,
      );
    });

    it('refuses a field the document does not declare (objects are closed)', () => {
      expect(
        check('GET', `/things/${ID}`, json(200, { id: ID, owner: { email: 'a@example.com', admin: true } })),
      ).toThrow(/\/owner must NOT have additional properties: admin/);
    });

    it('refuses a status the operation does not declare, and a media type it does not declare', () => {
      expect(check('GET', `/things/${ID}`, json(503, { status: 503 }, 'application/problem+json'))).toThrow(
        /status not declared for GET \/things\/\{id\} \(declared: 200, 4XX\)/,
      );
      expect(
        check('GET', `/things/${ID}`, json(200, { id: ID, owner: { email: 'a@example.com' } }, 'text/plain')),
      ).toThrow(/media type "text\/plain" not declared/);
    });

    it('refuses a body where the document declares none', () => {
      expect(check('DELETE', `/things/${ID}`, json(200, { deleted: true }))).toThrow(/declares none/);
    });

    it('wants the unrouted problem for a request no operation matches: 404 for a path, 405 for a method', () => {
      expect(check('GET', '/nowhere', json(404, { status: 404 }, 'application/problem+json'))).not.toThrow();
      expect(check('PUT', `/things/${ID}`, json(405, { status: 405 }, 'application/problem+json'))).not.toThrow();
      expect(check('GET', '/nowhere', json(200, {}))).toThrow(/no operation of the document matches: expected the 404/);
      expect(check('GET', '/nowhere', json(404, { status: 'gone' }, 'application/problem+json'))).toThrow(
        /\/status must be integer/,
      );
    });
  });

  describe('watch', () => {
    it('checks each response of a supertest agent when it is awaited, after the request’s own expectations', async () => {
      const server = createServer((incoming, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify(incoming.url === `/things/${ID}` ? { id: ID, owner: { email: 'a@example.com' } } : { id: 1 }),
        );
      });
      const http = contract.watch(request(server));
      expect((await http.get(`/things/${ID}`).expect(200)).body).toMatchObject({ id: ID });
      await expect(http.get('/things/other').expect(200)).rejects.toThrow(
        /GET \/things\/other → 200: body does not match/,
      );
      await expect(http.get('/things/other').expect(201)).rejects.toThrow(/expected 201 "Created", got 200 "OK"/);
    });
  });
});
