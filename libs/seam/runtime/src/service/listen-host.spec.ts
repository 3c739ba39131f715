import { describe, expect, it } from '@jest/globals';
import type { SeamTransportOptions } from '@seam/transport';
import { bindHostedOn, bindHostFrom, DEFAULT_SERVICE_HTTP_HOST, serviceHttpHost } from './listen-host.js';

const options: Pick<SeamTransportOptions, 'hosted' | 'endpoints'> = {
  hosted: ['payments'],
  endpoints: {
    payments: { transport: 'tcp', host: 'payments', port: 4104 },
    orders: { transport: 'tcp', host: 'orders', port: 4105 },
  },
};

describe('bindHostedOn', () => {
  it('leaves every address as written without a listen host', () => {
    expect(bindHostedOn(options, undefined)).toBe(options);
    expect(bindHostedOn(options, '  ')).toBe(options);
  });

  it('binds only the hosted modules on the listen host, leaving the addresses others dial alone', () => {
    expect(bindHostedOn(options, '0.0.0.0').endpoints).toEqual({
      payments: { transport: 'tcp', host: '0.0.0.0', port: 4104 },
      orders: { transport: 'tcp', host: 'orders', port: 4105 },
    });
    expect(bindHostedOn(options, '::').endpoints?.payments).toEqual({ transport: 'tcp', host: '::', port: 4104 });
  });

  it.each(['0.0.0.0:4104', 'evil host', 'tcp://0.0.0.0', '-x', 'a'.repeat(254)])(
    'refuses %j, naming SEAM_LISTEN_HOST',
    (host) => {
      expect(() => bindHostedOn(options, host)).toThrow(/^SEAM_LISTEN_HOST must be an IP address/);
    },
  );
});

describe('serviceHttpHost', () => {
  it('binds loopback when SEAM_HTTP_HOST is unset or blank', () => {
    expect(DEFAULT_SERVICE_HTTP_HOST).toBe('127.0.0.1');
    expect(serviceHttpHost({})).toBe('127.0.0.1');
    expect(serviceHttpHost({ SEAM_HTTP_HOST: ' \t' })).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '10.0.0.5', 'payments.internal'])('binds %j when told, trimmed', (host) => {
    expect(serviceHttpHost({ SEAM_HTTP_HOST: ` ${host} ` })).toBe(host);
  });

  it.each(['0.0.0.0:9104', 'http://0.0.0.0', 'evil host', '127.0.0.1 ; x', '-x', 'a'.repeat(254), '*', '[::]'])(
    'refuses %j, naming SEAM_HTTP_HOST',
    (host) => {
      expect(() => serviceHttpHost({ SEAM_HTTP_HOST: host })).toThrow(/^SEAM_HTTP_HOST must be an IP address/);
    },
  );
});

describe('bindHostFrom', () => {
  it('names the variable it was given in its refusal', () => {
    expect(bindHostFrom('SEAM_X_HOST', undefined)).toBeUndefined();
    expect(() => bindHostFrom('SEAM_X_HOST', 'a b')).toThrow(/^SEAM_X_HOST must be an IP address/);
  });
});
