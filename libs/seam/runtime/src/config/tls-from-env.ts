import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SeamTransportOptions } from '@seam/transport';

/** A transport security variable that cannot be used; names the variable, never the secret. */
export class TransportSecurityConfigError extends Error {
  override readonly name = 'TransportSecurityConfigError';

  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Reads a file's text; injectable for tests. */
export type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/**
 * The transport security of this process from its environment, for `SeamTransportOptions`:
 * - `SEAM_TLS_CERT_FILE`, `SEAM_TLS_KEY_FILE`, `SEAM_TLS_CA_FILE` (all three or none): mutual TLS
 *   on every TCP link — checked here that the key is the certificate's, that the CA signed it and
 *   that it has not expired;
 * - `SEAM_REDIS_CA_FILE`, and `SEAM_REDIS_CERT_FILE` with `SEAM_REDIS_KEY_FILE` when Redis asks
 *   for client certificates: the TLS settings of `rediss://` addresses;
 * - `SEAM_REDIS_USERNAME` with `SEAM_REDIS_PASSWORD` or `SEAM_REDIS_PASSWORD_FILE`: the ACL user
 *   of this service on every Redis connection (overrides credentials in the topology's URLs);
 * - `SEAM_REDIS_ACL_IDENTITIES`: whether Redis ACL users vouch for callers on the streams
 *   transport instead of a signature per envelope (`SeamRedisSecurity.aclIdentities`); default on
 *   with `SEAM_REDIS_USERNAME`, `0` signs every envelope instead, `1` without a user is refused.
 * Nothing set: plain TCP and the URLs as written.
 *
 * @throws TransportSecurityConfigError naming the variable when a file is missing, unreadable,
 * not PEM, or when the set is incomplete or inconsistent. Key contents never appear in messages.
 */
export function transportSecurityFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  read: ReadText = readText,
): Pick<SeamTransportOptions, 'tls' | 'redis'> {
  return { ...tcpTls(env, read), ...redisSecurity(env, read) };
}

function tcpTls(env: NodeJS.ProcessEnv, read: ReadText): Pick<SeamTransportOptions, 'tls'> {
  const names = ['SEAM_TLS_CERT_FILE', 'SEAM_TLS_KEY_FILE', 'SEAM_TLS_CA_FILE'] as const;
  const given = names.filter((name) => value(env, name) !== undefined);
  if (given.length === 0) return {};
  const missing = names.find((name) => !given.includes(name));
  if (missing) throw new TransportSecurityConfigError(missing, `must be set with ${given.join(' and ')}`);
  const cert = pemFile(env, 'SEAM_TLS_CERT_FILE', 'CERTIFICATE', read);
  const key = pemFile(env, 'SEAM_TLS_KEY_FILE', 'PRIVATE KEY', read);
  const ca = pemFile(env, 'SEAM_TLS_CA_FILE', 'CERTIFICATE', read);
  checkPair('SEAM_TLS', cert, key, ca);
  return { tls: { cert, key, ca } };
}

function redisSecurity(env: NodeJS.ProcessEnv, read: ReadText): Pick<SeamTransportOptions, 'redis'> {
  const ca = value(env, 'SEAM_REDIS_CA_FILE') && pemFile(env, 'SEAM_REDIS_CA_FILE', 'CERTIFICATE', read);
  const hasCert = value(env, 'SEAM_REDIS_CERT_FILE') !== undefined;
  if (hasCert !== (value(env, 'SEAM_REDIS_KEY_FILE') !== undefined)) {
    const missing = hasCert ? 'SEAM_REDIS_KEY_FILE' : 'SEAM_REDIS_CERT_FILE';
    throw new TransportSecurityConfigError(missing, 'a Redis client certificate and its key are set together');
  }
  const cert = hasCert ? pemFile(env, 'SEAM_REDIS_CERT_FILE', 'CERTIFICATE', read) : undefined;
  const key = hasCert ? pemFile(env, 'SEAM_REDIS_KEY_FILE', 'PRIVATE KEY', read) : undefined;
  // Not checked against SEAM_REDIS_CA_FILE: Redis may trust client certificates from another CA.
  if (cert && key) checkPair('SEAM_REDIS', cert, key, undefined);
  const username = value(env, 'SEAM_REDIS_USERNAME');
  const password = redisPassword(env, read);
  if (password !== undefined && username === undefined)
    throw new TransportSecurityConfigError('SEAM_REDIS_USERNAME', 'must name the ACL user the password belongs to');
  if (username !== undefined && password === undefined)
    throw new TransportSecurityConfigError(
      'SEAM_REDIS_PASSWORD',
      `(or SEAM_REDIS_PASSWORD_FILE) must be set with SEAM_REDIS_USERNAME`,
    );
  // A user of its own per process is what lets Redis vouch for callers, and what a deployment
  // sets up for it: with one, that is the default (four HMACs per call cost a sequential caller
  // about a fifth of its calls, docs/security.md). `0` keeps a signature per envelope.
  const aclIdentities =
    value(env, 'SEAM_REDIS_ACL_IDENTITIES') === undefined
      ? username !== undefined
      : flag(env, 'SEAM_REDIS_ACL_IDENTITIES');
  if (aclIdentities && username === undefined)
    throw new TransportSecurityConfigError(
      'SEAM_REDIS_USERNAME',
      'must be set with SEAM_REDIS_ACL_IDENTITIES: an ACL user per process is what vouches for it',
    );
  const tls = ca || cert ? { ...(ca && { ca }), ...(cert && { cert, key }) } : undefined;
  if (!tls && username === undefined) return {};
  return {
    redis: {
      ...(tls && { tls }),
      ...(username !== undefined && { username, password }),
      ...(aclIdentities && { aclIdentities }),
    },
  };
}

function redisPassword(env: NodeJS.ProcessEnv, read: ReadText): string | undefined {
  const inline = value(env, 'SEAM_REDIS_PASSWORD');
  const file = value(env, 'SEAM_REDIS_PASSWORD_FILE');
  if (inline !== undefined && file !== undefined)
    throw new TransportSecurityConfigError('SEAM_REDIS_PASSWORD_FILE', 'set it or SEAM_REDIS_PASSWORD, not both');
  if (file === undefined) return inline;
  // Secret files usually end with a newline that is not part of the password.
  const password = readVariableFile(env, 'SEAM_REDIS_PASSWORD_FILE', read).replace(/\r?\n$/, '');
  if (password === '') throw new TransportSecurityConfigError('SEAM_REDIS_PASSWORD_FILE', `"${file}" is empty`);
  return password;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = value(env, name);
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new TransportSecurityConfigError(name, `must be 1 or 0 (true or false), not "${raw.slice(0, 20)}"`);
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function readVariableFile(env: NodeJS.ProcessEnv, name: string, read: ReadText): string {
  const path = value(env, name)!;
  try {
    return read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TransportSecurityConfigError(name, `cannot read "${path}" (${code})`);
  }
}

function pemFile(env: NodeJS.ProcessEnv, name: string, kind: 'CERTIFICATE' | 'PRIVATE KEY', read: ReadText): string {
  const text = readVariableFile(env, name, read);
  const begin = kind === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
  if (!begin.test(text))
    throw new TransportSecurityConfigError(name, `"${value(env, name)}" holds no PEM ${kind.toLowerCase()}`);
  return text;
}

/** Start-up checks that would otherwise surface as handshake failures on the first call. */
function checkPair(prefix: string, certPem: string, keyPem: string, caPem: string | undefined): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new TransportSecurityConfigError(`${prefix}_CERT_FILE`, 'the certificate cannot be parsed');
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw new TransportSecurityConfigError(
      `${prefix}_KEY_FILE`,
      'the private key cannot be parsed (encrypted keys are not supported)',
    );
  }
  if (!matches)
    throw new TransportSecurityConfigError(`${prefix}_KEY_FILE`, `is not the key of ${prefix}_CERT_FILE's certificate`);
  if (Date.parse(cert.validTo) < Date.now())
    throw new TransportSecurityConfigError(`${prefix}_CERT_FILE`, `the certificate expired on ${cert.validTo}`);
  // A chain in the certificate file (leaf + intermediates) is left to the handshake to verify.
  if (caPem === undefined || pemBlocks(certPem).length > 1) return;
  let cas: X509Certificate[];
  try {
    cas = pemBlocks(caPem).map((block) => new X509Certificate(block));
  } catch {
    throw new TransportSecurityConfigError(`${prefix}_CA_FILE`, 'a CA certificate cannot be parsed');
  }
  if (!cas.some((ca) => cert.verify(ca.publicKey)))
    throw new TransportSecurityConfigError(
      `${prefix}_CERT_FILE`,
      `the certificate is not signed by ${prefix}_CA_FILE's CA`,
    );
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}
