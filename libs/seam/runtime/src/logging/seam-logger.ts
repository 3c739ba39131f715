import { currentCallContext } from '@seam/transport';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogConfig } from './log-config.js';
import { currentModule } from './module-scope.js';

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values never reach a log line, at the top of a logged object or up to two
 * levels down (`{ body: { card: { cvv } } }`): credentials, tokens, card data, and the
 * environment variables that hold secrets. Redaction works on fields: a secret pasted into a
 * message string is not found.
 */
export const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'authorization',
  'cookie',
  'cardNumber',
  'cardToken',
  'cvv',
  'cvc',
  'cardFingerprintKey',
  'privateKey',
  'meshKeys',
  'JWT_SECRET',
  'SEAM_MESH_KEYS',
  'SEAM_ADMIN_PASSWORD',
  'SEAM_REDIS_PASSWORD',
  'SEAM_EXTRAS_KEY',
  'DATABASE_URL',
  'DATABASE_ADMIN_URL',
  'JWT_PREVIOUS_SECRET',
  'PAYMENTS_CARD_FINGERPRINT_KEY',
  'REDIS_URL',
  'SEAM_THROTTLE_REDIS_URL',
  'SEAM_TEST_POSTGRES_URL',
] as const;

/**
 * Names of environment variables that hold a secret, by family, for the names no list can hold:
 * `DATABASE_URL_<MODULE>` (one per module, which this toolkit does not know), `SEAM_<MODULE>_ADDRESS`
 * (a `redis://` address may carry a password), and any `…_SECRET`, `…_PASSWORD`, `…_TOKEN`,
 * `…_KEY`, `…_KEYS` or `…_URL` of a database or Redis — but not their `…_FILE` variants, which are
 * paths. Values under such a field are redacted like {@link SECRET_FIELDS}, at the same depths.
 */
export const SECRET_FIELD_PATTERN =
  /^(?:DATABASE_(?:ADMIN_)?URL(?:_[A-Z0-9_]+)?|[A-Z0-9_]*(?:SECRET|PASSWORD|TOKEN|_KEYS?|REDIS_URL|POSTGRES_URL)|SEAM_[A-Z0-9_]+_ADDRESS|OTEL_EXPORTER_OTLP_(?:[A-Z]+_)?HEADERS)$/;

/** Header paths redacted wherever a request or response is logged (pino-http's `req`/`res`, or bare `headers`). */
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization'].flatMap((header) =>
  ['req.headers', 'res.headers', 'headers'].map((parent) => `${parent}["${header}"]`),
);

/** Every path pino redacts (see {@link SECRET_FIELDS}). */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...SECRET_HEADERS,
];

/**
 * The trace and module of the code that logs, when it runs inside a call: an HTTP request at the
 * edge (module `edge`), a message or event handler (its module), or a job that started its own
 * call context (its caller name). Outside any call, nothing is added.
 */
export function callFields(): { traceId?: string; module?: string } {
  const call = currentCallContext();
  const module = currentModule();
  // A new object every time: pino merges the line's own fields into it.
  if (!call) return module ? { module } : {};
  return { traceId: call.correlationId, module: call.module ?? module ?? call.caller };
}

/**
 * A pino logger configured as Seam processes log: `config.level`; JSON lines (`time` in ISO 8601)
 * or, for `pretty`, one human-readable line per entry (pino-pretty, a development dependency,
 * loaded only then); {@link REDACT_PATHS} and fields named by {@link SECRET_FIELD_PATTERN}
 * redacted; `traceId` and `module` on every line made inside a call (see {@link callFields}).
 * Writes synchronously to `destination` (default stdout), so that a line logged just before
 * `process.exit` is not lost.
 *
 * @throws Error when `pretty` is asked for where pino-pretty is not installed (a production image,
 *   which has no development dependencies): use `LOG_FORMAT=json` there.
 */
export async function createSeamLogger(config: LogConfig, destination?: DestinationStream): Promise<Logger> {
  const options = {
    level: config.level,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    // pino's paths take no pattern: the families of SECRET_FIELD_PATTERN are censored before them.
    formatters: { log: censorSecretNames },
    mixin: callFields,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (config.format === 'json') return pino(options, destination ?? pino.destination({ fd: 1, sync: true }));
  return pino(options, await prettyStream(destination));
}

/**
 * `object` with the value of every field named by {@link SECRET_FIELD_PATTERN} replaced, at the
 * top and up to two levels down in plain objects; a copy only where something was replaced (the
 * caller's object is never changed, and a line with no such field costs one test per key).
 */
function censorSecretNames(object: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const censored = SECRET_FIELD_PATTERN.test(key)
      ? REDACTED
      : depth < 2 && isPlainObject(value)
        ? censorSecretNames(value, depth + 1)
        : value;
    if (censored === value) continue;
    copy ??= { ...object };
    copy[key] = censored;
  }
  return copy ?? object;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

async function prettyStream(destination: DestinationStream | undefined): Promise<DestinationStream> {
  let build: typeof import('pino-pretty').build;
  try {
    ({ build } = await import('pino-pretty'));
  } catch (error) {
    throw new Error('LOG_FORMAT=pretty needs the pino-pretty package (a development dependency): use LOG_FORMAT=json', {
      cause: error,
    });
  }
  return build({
    destination: destination ?? 1,
    sync: true,
    colorize: destination ? false : process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    // Nest's logger context ("Monolith", "Seed") reads as a prefix; traceId and module follow on the same line.
    messageFormat: '{if context}[{context}] {end}{msg}',
    singleLine: true,
  });
}
