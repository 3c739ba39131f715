import { afterAll, beforeAll, describe } from '@jest/globals';
import { freePort } from '@seam/testing';
import { coreScenarios } from './support/core-scenarios.js';
import { type ParityTarget, remoteTarget } from './support/parity-target.js';
import { remoteScenarios } from './support/remote-scenarios.js';

describe('Parity: TCP transport (callee in its own process)', () => {
  let target: ParityTarget;
  beforeAll(async () => {
    const port = await freePort();
    target = await remoteTarget(() => ({ transport: 'tcp', host: '127.0.0.1', port }));
  }, 120_000); // callee processes get 60 s each to start (see remoteTarget) on a loaded 2-core CI machine
  afterAll(() => target?.close());

  coreScenarios(() => target);
  remoteScenarios(() => target);
});
