import { describe, expect, it } from '@jest/globals';
import { InProcessBus } from '../transports/in-process/in-process.bus.js';
import type { Endpoint } from './endpoint.js';
import { resolveOptions } from './resolve-options.js';

const NUMERIC_OPTIONS = ['deadlineMs', 'maxMessageBytes', 'incompleteFrameTimeoutMs'] as const;

describe('resolve-options', () => {
  describe('resolveOptions', () => {
    describe('defaults', () => {
      it('applies every default', () => {
        expect(resolveOptions({ hosted: ['orders'] })).toEqual({
          hosted: ['orders'],
          endpoints: {},
          deadlineMs: 5_000,
          maxMessageBytes: 1_048_576,
          incompleteFrameTimeoutMs: 5_000,
          propagation: true,
          directHandlers: true,
          bus: undefined,
        });
      });

      it('keeps the values given', () => {
        const bus = new InProcessBus();
        const endpoints: Record<string, Endpoint> = {
          payments: { transport: 'tcp', host: 'payments', port: 4010 },
          stock: { transport: 'redis', url: 'redis://redis:6379/1', mode: 'pubsub' },
          greeter: { transport: 'in-process' },
        };
        const resolved = resolveOptions({
          hosted: ['orders', 'catalog'],
          endpoints,
          deadlineMs: 1,
          maxMessageBytes: 2_048,
          incompleteFrameTimeoutMs: 250,
          propagation: false,
          directHandlers: false,
          bus,
        });
        expect(resolved).toEqual({
          hosted: ['orders', 'catalog'],
          endpoints,
          deadlineMs: 1,
          maxMessageBytes: 2_048,
          incompleteFrameTimeoutMs: 250,
          propagation: false,
          directHandlers: false,
          bus,
        });
        expect(resolved.bus).toBe(bus);
      });

      it('copies hosted and endpoints: later changes to the input do not leak in', () => {
        const hosted = ['orders'];
        const endpoints: Record<string, Endpoint> = {};
        const resolved = resolveOptions({ hosted, endpoints });
        hosted.push('catalog');
        endpoints.payments = { transport: 'tcp', host: 'payments', port: 4010 };
        expect(resolved.hosted).toEqual(['orders']);
        expect(resolved.endpoints).toEqual({});
      });
    });

    describe('numeric options', () => {
      const hostile: Array<[string, unknown]> = [
        ['0', 0],
        ['-1', -1],
        ['NaN', Number.NaN],
        ['1.5', 1.5],
        ['Infinity', Number.POSITIVE_INFINITY],
        ['the string "5000"', '5000'],
        ['a boolean', true],
      ];

      for (const option of NUMERIC_OPTIONS) {
        it.each(hostile)(`rejects ${option} = %s, naming the option and the value`, (_, value) => {
          expect(() => resolveOptions({ hosted: [], [option]: value as never })).toThrow(
            `Seam option ${option} must be a positive integer, got ${String(value)}`,
          );
        });
      }
    });

    describe('hosted', () => {
      it.each<[string, unknown]>([
        ['a string', 'orders'],
        ['missing', undefined],
        ['an array with a number', ['orders', 42]],
      ])('rejects hosted as %s, naming the option', (_, hosted) => {
        expect(() => resolveOptions({ hosted: hosted as never })).toThrow(
          /^Seam option hosted must be an array of module names/,
        );
      });
    });

    describe('propagation', () => {
      it.each<[string, unknown]>([
        ['the string "false"', 'false'],
        ['a number', 0],
      ])('rejects propagation as %s, naming the option', (_, propagation) => {
        expect(() => resolveOptions({ hosted: [], propagation: propagation as never })).toThrow(
          /^Seam option propagation must be a boolean/,
        );
      });

      it('rejects directHandlers that is no boolean, naming the option', () => {
        expect(() => resolveOptions({ hosted: [], directHandlers: 'yes' as never })).toThrow(
          /^Seam option directHandlers must be a boolean/,
        );
      });
    });

    describe('endpoints', () => {
      it.each<[string, unknown, RegExp]>([
        [
          'an unknown transport',
          { transport: 'http', url: 'http://payments' },
          /^Seam option endpoints\.payments\.transport must be/,
        ],
        ['no transport', { host: 'payments', port: 4010 }, /^Seam option endpoints\.payments\.transport must be/],
        ['not an object', 'tcp://payments:4010', /^Seam option endpoints\.payments\.transport must be/],
        ['a TCP endpoint without host', { transport: 'tcp', port: 4010 }, /^Seam option endpoints\.payments\.host/],
        [
          'a TCP endpoint with port 0',
          { transport: 'tcp', host: 'payments', port: 0 },
          /^Seam option endpoints\.payments\.port .*got 0/,
        ],
        [
          'a TCP endpoint with port 70000',
          { transport: 'tcp', host: 'payments', port: 70_000 },
          /^Seam option endpoints\.payments\.port .*got 70000/,
        ],
        [
          'a TCP endpoint with a string port',
          { transport: 'tcp', host: 'payments', port: '4010' },
          /^Seam option endpoints\.payments\.port/,
        ],
        [
          'a Redis endpoint with an http URL',
          { transport: 'redis', url: 'http://redis:6379' },
          /^Seam option endpoints\.payments\.url: .*scheme must be redis:\/\//,
        ],
        [
          'a Redis endpoint with a garbage URL',
          { transport: 'redis', url: 'garbage' },
          /^Seam option endpoints\.payments\.url: Invalid Redis URL/,
        ],
        ['a Redis endpoint without URL', { transport: 'redis' }, /^Seam option endpoints\.payments\.url/],
        [
          'a Redis endpoint with a database name',
          { transport: 'redis', url: 'redis://redis:6379/abc' },
          /database must be a number/,
        ],
        [
          'a Redis endpoint with an unknown mode',
          { transport: 'redis', url: 'redis://redis:6379', mode: 'stream' },
          /^Seam option endpoints\.payments\.mode/,
        ],
      ])('rejects %s, naming the endpoint', (_, endpoint, message) => {
        expect(() => resolveOptions({ hosted: [], endpoints: { payments: endpoint as never } })).toThrow(message);
      });

      it('keeps the password of a refused Redis URL out of the message', () => {
        expect(() =>
          resolveOptions({
            hosted: [],
            endpoints: { stock: { transport: 'redis', url: 'http://seam:s3cret@redis:6379' } },
          }),
        ).not.toThrow(/s3cret/);
      });
    });
  });
});
