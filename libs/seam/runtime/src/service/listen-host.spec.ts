import { describe, expect, it } from '@jest/globals';
import type { SeamTransportOptions } from '@seam/transport';
import { bindHostedOn } from './listen-host.js';

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
