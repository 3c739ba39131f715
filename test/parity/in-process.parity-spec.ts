import { afterAll, beforeAll, describe } from '@jest/globals';
import { coreScenarios } from './support/core-scenarios.js';
import { inProcessTarget, type ParityTarget } from './support/parity-target.js';

describe('Parity: in-process transport', () => {
  let target: ParityTarget;
  beforeAll(async () => {
    target = await inProcessTarget();
  });
  afterAll(() => target?.close());

  coreScenarios(() => target);
});
