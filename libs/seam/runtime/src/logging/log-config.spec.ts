import { describe, expect, it } from '@jest/globals';
import { LogConfigError, logConfigFromEnv } from './log-config.js';

describe('logConfigFromEnv', () => {
  it('defaults to pretty lines at info in development, and JSON in production', () => {
    expect(logConfigFromEnv({})).toEqual({ format: 'pretty', level: 'info' });
    expect(logConfigFromEnv({ NODE_ENV: 'production' })).toEqual({ format: 'json', level: 'info' });
  });

  it('takes LOG_FORMAT and LOG_LEVEL, whatever their case, over the defaults', () => {
    expect(logConfigFromEnv({ NODE_ENV: 'production', LOG_FORMAT: 'Pretty', LOG_LEVEL: 'DEBUG' })).toEqual({
      format: 'pretty',
      level: 'debug',
    });
    expect(logConfigFromEnv({ LOG_FORMAT: 'json', LOG_LEVEL: ' warn ' })).toEqual({ format: 'json', level: 'warn' });
    expect(logConfigFromEnv({ LOG_FORMAT: '', LOG_LEVEL: '' })).toEqual({ format: 'pretty', level: 'info' });
  });

  it('refuses a level it does not know, naming the variable and the levels it takes', () => {
    expect(() => logConfigFromEnv({ LOG_LEVEL: 'verbose' })).toThrow(
      new LogConfigError('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"'),
    );
  });

  it('refuses a format it does not know', () => {
    expect(() => logConfigFromEnv({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be one of json, pretty; got "xml"');
  });

  it('refuses a NODE_ENV that is none of production, development or test, instead of logging pretty lines', () => {
    for (const NODE_ENV of ['Production', ' production ', 'prod'])
      expect(() => logConfigFromEnv({ NODE_ENV })).toThrow(
        expect.objectContaining({ constructor: LogConfigError, message: expect.stringMatching(/^NODE_ENV must be/) }),
      );
    // Even with LOG_FORMAT set: the process must not start half production.
    expect(() => logConfigFromEnv({ NODE_ENV: 'Production', LOG_FORMAT: 'json' })).toThrow(LogConfigError);
  });
});
