import { describe, expect, it } from '@jest/globals';
import { NodeEnvironmentError } from '@seam/runtime';
import { internalListenerFromEnv } from './internal-listener.js';

describe('internalListenerFromEnv', () => {
  it.each(['Production', ' production'])(
    'refuses NODE_ENV=%p rather than serving /metrics on the public port',
    (NODE_ENV) => {
      expect(() => internalListenerFromEnv({ NODE_ENV }, 3000)).toThrow(NodeEnvironmentError);
    },
  );
});
