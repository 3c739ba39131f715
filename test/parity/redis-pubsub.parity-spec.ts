import { afterAll, beforeAll, describe } from '@jest/globals';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { coreScenarios } from './support/core-scenarios.js';
import { type ParityTarget, remoteTarget } from './support/parity-target.js';
import { redisRestartScenario } from './support/redis-scenarios.js';
import { remoteScenarios } from './support/remote-scenarios.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const title = (name: string) => (skipReason ? `${name} — skipped: ${skipReason}` : name);

// Nest's stock pub/sub wire format. No replica scenarios: pub/sub delivers every request to every
// replica by design, which is why the load-balanced streams mode exists.
suite(title("Parity: Redis transport, Nest's stock pub/sub format (callee in its own process)"), () => {
  let redis: PrivateRedis;
  let target: ParityTarget;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    target = await remoteTarget(() => ({ transport: 'redis', mode: 'pubsub', url: redis.url }));
  }, 120_000); // callee processes get 60 s each to start (see remoteTarget) on a loaded 2-core CI machine
  afterAll(async () => {
    await target?.close();
    await redis?.stop();
  });

  coreScenarios(() => target, { unknownPatternTimesOut: true });
  redisRestartScenario(
    () => target,
    () => redis,
  );
  // Redis transports find a dead callee by suspicion (~600 ms of missed heartbeats) and a question to Redis.
  remoteScenarios(() => target, { killDetectionMs: 3_000 });
});
