import { describe, expect, it } from '@jest/globals';
import { checkTlsOptions, SeamTlsConfigError, tlsClientOptions, tlsServerOptions } from './tcp-tls.js';

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n';
const TLS = { key: PEM_KEY, cert: PEM_CERT, ca: PEM_CERT };

describe('tcp-tls', () => {
  describe('tlsServerOptions', () => {
    it('demands a client certificate the CA signed, TLS 1.2 at least, and bounds the handshake', () => {
      expect(tlsServerOptions(TLS, 2_000)).toEqual({
        ...TLS,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        handshakeTimeout: 2_000,
      });
    });
  });

  describe('tlsClientOptions', () => {
    it('presents the certificate and checks the server against the CA and the host name', () => {
      expect(tlsClientOptions(TLS, 'orders.internal')).toEqual({
        ...TLS,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        servername: 'orders.internal',
      });
    });

    it.each(['127.0.0.1', '::1'])('leaves SNI out for the IP %s (Node checks its IP SANs)', (host) => {
      expect(tlsClientOptions(TLS, host).servername).toBeUndefined();
    });

    it('checks against serverName when given, whatever host is dialled', () => {
      expect(tlsClientOptions({ ...TLS, serverName: 'orders' }, '10.0.0.7').servername).toBe('orders');
    });
  });

  describe('checkTlsOptions', () => {
    it('accepts PEM texts', () => {
      expect(checkTlsOptions(TLS)).toBe(TLS);
    });

    it.each([
      [undefined, /tls must be an object/],
      ['/etc/seam/tls.pem', /tls must be an object/],
      [{ ...TLS, key: '/etc/seam/key.pem' }, /tls\.key must be PEM/],
      [{ ...TLS, cert: PEM_KEY }, /tls\.cert must be PEM/],
      [{ ...TLS, ca: 42 }, /tls\.ca must be PEM/],
      [{ ...TLS, serverName: '' }, /serverName must be a non-empty string/],
    ])('refuses %j with a message naming the field', (value, message) => {
      expect(() => checkTlsOptions(value)).toThrow(SeamTlsConfigError);
      expect(() => checkTlsOptions(value)).toThrow(message);
    });

    it('never quotes key material in its message', () => {
      expect(() => checkTlsOptions({ ...TLS, cert: PEM_KEY })).not.toThrow(/SECRETKEYMATERIAL/);
    });
  });
});
