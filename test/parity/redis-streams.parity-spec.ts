import { afterAll, beforeAll, describe } from '@jest/globals';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { coreScenarios } from './support/core-scenarios.js';
import { type ParityTarget, remoteTarget } from './support/parity-target.js';
import {
  burstSpreadScenario,
  redisRestartDeliveryScenario,
  redisRestartScenario,
  replicaFailoverScenario,
  replyConnectionLossScenario,
  replicaScenarios,
} from './support/redis-scenarios.js';
import { remoteScenarios } from './support/remote-scenarios.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const title = (name: string) => (skipReason ? `${name} — skipped: ${skipReason}` : name);

suite(title('Parity: Redis transport, load-balanced streams (callee in its own process)'), () => {
  let redis: PrivateRedis;
  let target: ParityTarget;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    target = await remoteTarget(() => ({ transport: 'redis', url: redis.url }));
  }, 120_000); // callee processes get 60 s each to start (see remoteTarget) on a loaded 2-core CI machine
  afterAll(async () => {
    await target?.close();
    await redis?.stop();
  });

  coreScenarios(() => target);
  redisRestartScenario(
    () => target,
    () => redis,
  );
  redisRestartDeliveryScenario(
    () => target,
    () => redis,
  );
  replyConnectionLossScenario(
    () => target,
    () => redis,
  );
  // Redis transports find a dead callee by suspicion (~600 ms of missed heartbeats) and a question to Redis.
  remoteScenarios(() => target, { killDetectionMs: 3_000 });
});

suite(title('Parity: Redis transport, load-balanced streams, 2 replicas'), () => {
  let redis: PrivateRedis;
  let target: ParityTarget;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    target = await remoteTarget(() => ({ transport: 'redis', url: redis.url }), 2);
  }, 120_000); // callee processes get 60 s each to start (see remoteTarget) on a loaded 2-core CI machine
  afterAll(async () => {
    await target?.close();
    await redis?.stop();
  });

  replicaScenarios(() => target);
  burstSpreadScenario(
    () => target,
    () => redis,
  );
  replicaFailoverScenario(() => target);
});
