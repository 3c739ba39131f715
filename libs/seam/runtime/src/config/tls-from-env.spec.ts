import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportSecurityConfigError, transportSecurityFromEnv } from './tls-from-env.js';

/** Whether openssl can make the certificates these checks need. */
const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const suite = haveOpenssl ? describe : describe.skip;

suite(`transportSecurityFromEnv${haveOpenssl ? '' : ' — skipped: openssl is not installed'}`, () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const newKey = (key: string) => [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    file(key),
  ];
  const tlsEnv = { SEAM_TLS_CERT_FILE: '', SEAM_TLS_KEY_FILE: '', SEAM_TLS_CA_FILE: '' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seam-tls-env-'));
    for (const ca of ['ca', 'other-ca'])
      openssl('req', '-x509', ...newKey(`${ca}.key`), '-out', file(`${ca}.crt`), '-days', '1', '-subj', `/CN=${ca}`);
    openssl('req', ...newKey('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=orders');
    const sign = ['-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-set_serial', '7', '-days', '1'];
    openssl('x509', '-req', '-in', file('leaf.csr'), ...sign, '-out', file('leaf.crt'));
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('stranger.key'));
    writeFileSync(file('password'), 'from-a-secret-file\n');
    writeFileSync(file('empty'), '\n');
    Object.assign(tlsEnv, {
      SEAM_TLS_CERT_FILE: file('leaf.crt'),
      SEAM_TLS_KEY_FILE: file('leaf.key'),
      SEAM_TLS_CA_FILE: file('ca.crt'),
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is empty when nothing is set: plain TCP and the URLs as written', () => {
    expect(transportSecurityFromEnv({})).toEqual({});
  });

  it('reads the TCP mutual TLS files', () => {
    expect(transportSecurityFromEnv(tlsEnv)).toEqual({
      tls: {
        cert: readFileSync(file('leaf.crt'), 'utf8'),
        key: readFileSync(file('leaf.key'), 'utf8'),
        ca: readFileSync(file('ca.crt'), 'utf8'),
      },
    });
  });

  it('lets ACL users vouch for callers by default with a user of its own, or with SEAM_REDIS_ACL_IDENTITIES=1; not with 0', () => {
    const user = { SEAM_REDIS_USERNAME: 'seam-orders', SEAM_REDIS_PASSWORD: 'pw' };
    const vouched = { username: 'seam-orders', password: 'pw', aclIdentities: true };
    expect(transportSecurityFromEnv(user).redis).toEqual(vouched);
    expect(transportSecurityFromEnv({ ...user, SEAM_REDIS_ACL_IDENTITIES: ' ' }).redis).toEqual(vouched);
    expect(transportSecurityFromEnv({ ...user, SEAM_REDIS_ACL_IDENTITIES: '1' }).redis).toEqual(vouched);
    for (const off of ['0', 'false'])
      expect(transportSecurityFromEnv({ ...user, SEAM_REDIS_ACL_IDENTITIES: off }).redis).toEqual({
        username: 'seam-orders',
        password: 'pw',
      });
  });

  it('reads the Redis CA and ACL user, the password from a file without its newline', () => {
    const env = {
      SEAM_REDIS_CA_FILE: file('ca.crt'),
      SEAM_REDIS_USERNAME: 'seam-orders',
      SEAM_REDIS_PASSWORD_FILE: file('password'),
    };
    expect(transportSecurityFromEnv(env)).toEqual({
      redis: {
        tls: { ca: readFileSync(file('ca.crt'), 'utf8') },
        username: 'seam-orders',
        password: 'from-a-secret-file',
        aclIdentities: true,
      },
    });
  });

  // Functions: the files exist only once beforeAll has run.
  it.each([
    ['a certificate alone', () => ({ SEAM_TLS_CERT_FILE: file('leaf.crt') }), /^SEAM_TLS_KEY_FILE: must be set with/],
    ['a CA alone', () => ({ SEAM_TLS_CA_FILE: file('ca.crt') }), /^SEAM_TLS_CERT_FILE: must be set with/],
    [
      'a missing file',
      () => ({ ...tlsEnv, SEAM_TLS_CERT_FILE: '/nowhere/leaf.crt' }),
      /^SEAM_TLS_CERT_FILE: cannot read "\/nowhere\/leaf.crt" \(ENOENT\)/,
    ],
    [
      'a certificate as the key',
      () => ({ ...tlsEnv, SEAM_TLS_KEY_FILE: file('ca.crt') }),
      /^SEAM_TLS_KEY_FILE: .* holds no PEM private key/,
    ],
    [
      'a key as the certificate',
      () => ({ ...tlsEnv, SEAM_TLS_CERT_FILE: file('leaf.key') }),
      /^SEAM_TLS_CERT_FILE: .* holds no PEM certificate/,
    ],
    [
      "another certificate's key",
      () => ({ ...tlsEnv, SEAM_TLS_KEY_FILE: file('stranger.key') }),
      /^SEAM_TLS_KEY_FILE: is not the key of SEAM_TLS_CERT_FILE/,
    ],
    [
      'a certificate another CA signed',
      () => ({ ...tlsEnv, SEAM_TLS_CA_FILE: file('other-ca.crt') }),
      /^SEAM_TLS_CERT_FILE: the certificate is not signed by SEAM_TLS_CA_FILE's CA/,
    ],
  ])('refuses %s, naming the variable', (_case, env, message) => {
    expect(() => transportSecurityFromEnv(env())).toThrow(TransportSecurityConfigError);
    expect(() => transportSecurityFromEnv(env())).toThrow(message);
  });

  it('never puts key material in a message', () => {
    const attempt = () => transportSecurityFromEnv({ ...tlsEnv, SEAM_TLS_CERT_FILE: file('leaf.key') });
    expect(attempt).toThrow(TransportSecurityConfigError);
    expect(attempt).not.toThrow(/PRIVATE KEY|[A-Za-z0-9+/]{40}/);
  });

  it.each([
    [{ SEAM_REDIS_PASSWORD: 'pw' }, /^SEAM_REDIS_USERNAME: must name the ACL user/],
    [{ SEAM_REDIS_USERNAME: 'seam-orders' }, /^SEAM_REDIS_PASSWORD: \(or SEAM_REDIS_PASSWORD_FILE\) must be set/],
    [{ SEAM_REDIS_USERNAME: 'u', SEAM_REDIS_PASSWORD: 'a', SEAM_REDIS_PASSWORD_FILE: 'b' }, /not both/],
    [{ SEAM_REDIS_CERT_FILE: 'leaf.crt' }, /^SEAM_REDIS_KEY_FILE: a Redis client certificate and its key/],
    [{ SEAM_REDIS_ACL_IDENTITIES: '1' }, /^SEAM_REDIS_USERNAME: must be set with SEAM_REDIS_ACL_IDENTITIES/],
    [
      { SEAM_REDIS_USERNAME: 'u', SEAM_REDIS_PASSWORD: 'pw', SEAM_REDIS_ACL_IDENTITIES: 'yes please' },
      /^SEAM_REDIS_ACL_IDENTITIES: must be 1 or 0/,
    ],
  ])('refuses the Redis settings %j', (env, message) => {
    const resolved = Object.fromEntries(
      Object.entries(env).map(([name, value]) => [name, name.endsWith('CERT_FILE') ? file(value) : value]),
    );
    expect(() => transportSecurityFromEnv(resolved)).toThrow(message);
  });

  it('refuses an empty password file, naming it', () => {
    const env = { SEAM_REDIS_USERNAME: 'u', SEAM_REDIS_PASSWORD_FILE: file('empty') };
    expect(() => transportSecurityFromEnv(env)).toThrow(/^SEAM_REDIS_PASSWORD_FILE: ".*empty" is empty/);
  });
});
