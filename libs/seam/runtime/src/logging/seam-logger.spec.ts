import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { CallContext, runInCallScope } from '@seam/transport';
import { eventually } from '@seam/testing';
import type { LogConfig } from './log-config.js';
import { runAsModule } from './module-scope.js';
import { createSeamLogger, REDACTED } from './seam-logger.js';

/** A destination that keeps what the logger wrote, line by line. */
function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const lines = () => text.split('\n').filter(Boolean);
  return { stream, lines, json: () => lines().map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const JSON_INFO: LogConfig = { format: 'json', level: 'info' };
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('createSeamLogger', () => {
  describe('format', () => {
    it('writes one JSON object per line, with an ISO time and the message', async () => {
      const out = capture();
      const logger = await createSeamLogger(JSON_INFO, out.stream);
      logger.info({ context: 'Monolith' }, 'Listening on http://localhost:3000');
      const [line] = out.json();
      expect(line).toMatchObject({ level: 30, context: 'Monolith', msg: 'Listening on http://localhost:3000' });
      expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
    });

    it('writes pretty lines: one per entry, the context as a prefix, no JSON', async () => {
      const out = capture();
      const logger = await createSeamLogger({ format: 'pretty', level: 'info' }, out.stream);
      logger.info({ context: 'Monolith' }, 'Listening on http://localhost:3000');
      logger.warn('careful');
      await eventually(() => expect(out.lines()).toHaveLength(2));
      expect(out.lines()[0]).toMatch(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Monolith\] Listening on http:\/\/localhost:3000$/,
      );
      expect(out.lines()[1]).toMatch(/WARN: careful$/);
    });
  });

  describe('level', () => {
    it('drops what is below LOG_LEVEL and keeps the rest', async () => {
      const out = capture();
      const logger = await createSeamLogger({ format: 'json', level: 'warn' }, out.stream);
      logger.debug('debug');
      logger.info('info');
      logger.warn('warn');
      logger.error('error');
      expect(out.json().map(({ msg }) => msg)).toEqual(['warn', 'error']);
    });

    it('writes debug lines at LOG_LEVEL=debug, and nothing at silent', async () => {
      const debug = capture();
      (await createSeamLogger({ format: 'json', level: 'debug' }, debug.stream)).debug('shown');
      const silent = capture();
      (await createSeamLogger({ format: 'json', level: 'silent' }, silent.stream)).fatal('hidden');
      expect([debug.json().map(({ msg }) => msg), silent.lines()]).toEqual([['shown'], []]);
    });
  });

  describe('redaction', () => {
    it('redacts passwords, tokens, card data, auth headers, cookies and secret settings', async () => {
      const out = capture();
      const logger = await createSeamLogger(JSON_INFO, out.stream);
      logger.info(
        {
          password: 'hunter2',
          body: { email: 'ada@example.com', password: 'hunter3', card: { cardNumber: '4242424242424242', cvv: '123' } },
          accessToken: 'eyJhbGciOi.token',
          req: { method: 'POST', headers: { authorization: 'Bearer eyJ.secret', cookie: 'sid=abc', accept: '*/*' } },
          headers: { 'set-cookie': 'sid=def' },
          env: { SEAM_MESH_KEYS: 'orders:c2VjcmV0', JWT_SECRET: 'jwt-secret', PORT: '3000' },
          payment: { cardToken: 'tok_1', amount: 12 },
        },
        'a request',
      );
      const written = out.lines()[0]!;
      for (const secret of [
        'hunter2',
        'hunter3',
        '4242424242424242',
        '"123"',
        'eyJ',
        'sid=',
        'c2VjcmV0',
        'jwt-secret',
        'tok_1',
      ])
        expect(written).not.toContain(secret);
      expect(out.json()[0]).toMatchObject({
        password: REDACTED,
        body: { email: 'ada@example.com', password: REDACTED, card: { cardNumber: REDACTED, cvv: REDACTED } },
        accessToken: REDACTED,
        req: { method: 'POST', headers: { authorization: REDACTED, cookie: REDACTED, accept: '*/*' } },
        headers: { 'set-cookie': REDACTED },
        env: { SEAM_MESH_KEYS: REDACTED, JWT_SECRET: REDACTED, PORT: '3000' },
        payment: { cardToken: REDACTED, amount: 12 },
      });
    });

    it('redacts every secret setting of the project, the per-module ones by their family name', async () => {
      const out = capture();
      const logger = await createSeamLogger(JSON_INFO, out.stream);
      const env = {
        DATABASE_URL: 'postgres://seam:s1@db/shop',
        DATABASE_URL_PAYMENTS: 'postgres://seam_payments:s2@db/shop',
        DATABASE_URL_ORDER_HISTORY: 'postgres://seam_order_history:s3@db/shop',
        DATABASE_ADMIN_URL: 'postgres://admin:s4@db/shop',
        JWT_PREVIOUS_SECRET: 's5',
        PAYMENTS_CARD_FINGERPRINT_KEY: 's6',
        SEAM_THROTTLE_REDIS_URL: 'redis://:s7@r:6379',
        SEAM_PAYMENTS_ADDRESS: 'redis://seam:s8@r:6379',
        SEAM_REDIS_PASSWORD: 's9',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s10',
      };
      const kept = { JWT_SECRET_FILE: '/run/secrets/jwt', SEAM_TLS_KEY_FILE: '/tls/key.pem', DATA_DIR: '/data' };
      const logged = { ...env, ...kept };
      logger.info({ ...logged, config: { env: logged } }, 'env');
      const redacted = Object.fromEntries(Object.keys(env).map((name) => [name, REDACTED]));
      expect(out.json()[0]).toMatchObject({ ...redacted, ...kept, config: { env: { ...redacted, ...kept } } });
      expect(out.lines()[0]).not.toMatch(/\bs\d+\b/);
      // The caller's object is left as it was.
      expect(logged.DATABASE_URL_PAYMENTS).toBe('postgres://seam_payments:s2@db/shop');
    });

    it('redacts in the pretty format too', async () => {
      const out = capture();
      const logger = await createSeamLogger({ format: 'pretty', level: 'info' }, out.stream);
      logger.info({ user: { password: 'hunter2' }, headers: { authorization: 'Bearer x' } }, 'login');
      await eventually(() => expect(out.lines()).toHaveLength(1));
      expect(out.lines()[0]).toContain(REDACTED);
      expect(out.lines()[0]).not.toMatch(/hunter2|Bearer/);
    });
  });

  describe('trace id and module', () => {
    it('adds the trace id and the calling module to every line made inside a call', async () => {
      const out = capture();
      const logger = await createSeamLogger(JSON_INFO, out.stream);
      const call = CallContext.root({ traceparent: TRACEPARENT, caller: 'edge', budgetMs: 1_000 });
      await runInCallScope(call, async () => {
        logger.info('before');
        await Promise.resolve();
        logger.info('after an await');
      });
      expect(out.json()).toEqual([
        expect.objectContaining({ msg: 'before', traceId: '0af7651916cd43dd8448eb211c80319c', module: 'edge' }),
        expect.objectContaining({ msg: 'after an await', traceId: '0af7651916cd43dd8448eb211c80319c', module: 'edge' }),
      ]);
    });

    it("names the handler's module, not the caller, inside a handler", async () => {
      const out = capture();
      const logger = await createSeamLogger(JSON_INFO, out.stream);
      const call = CallContext.root({ traceparent: TRACEPARENT, caller: 'edge', budgetMs: 1_000 });
      runInCallScope(call, () => runAsModule('orders', () => logger.info('placing')));
      expect(out.json()[0]).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', module: 'orders' });
    });

    it('adds neither outside a call', async () => {
      const out = capture();
      const logger = await createSeamLogger(JSON_INFO, out.stream);
      logger.info('at start-up');
      expect(Object.keys(out.json()[0]!)).not.toEqual(expect.arrayContaining(['traceId']));
      expect(out.json()[0]).not.toHaveProperty('module');
    });
  });
});
