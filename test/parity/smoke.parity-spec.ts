import { describe, expect, it, afterAll, beforeAll } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { InProcessBus, SeamClient, startSeamServers, ConflictError } from '@seam/transport';
import { CallerAppModule, CALLEE_MODULES, ProbeAppModule } from './fixtures/probe-app.module.js';
import { ProbeContract } from './fixtures/probe.contract.js';

describe('smoke', () => {
  let callee: INestApplication;
  let caller: INestApplication;
  let client: SeamClient;
  beforeAll(async () => {
    const bus = new InProcessBus();
    callee = (await Test.createTestingModule({ imports: [ProbeAppModule.with({ hosted: CALLEE_MODULES, bus })] }).compile()).createNestApplication({ logger: false });
    await startSeamServers(callee);
    await callee.init();
    caller = (await Test.createTestingModule({ imports: [CallerAppModule.with({ hosted: [], bus })] }).compile()).createNestApplication({ logger: false });
    await caller.init();
    client = caller.get(SeamClient);
  });
  afterAll(async () => { await caller?.close(); await callee?.close(); });
  it('echoes', async () => {
    await expect(client.send(ProbeContract.echo, { text: 'hi', count: 2 })).resolves.toEqual({ text: 'hi', count: 2 });
  });
  it('typed', async () => {
    await expect(client.send(ProbeContract.failTyped, {})).rejects.toBeInstanceOf(ConflictError);
  });
});
