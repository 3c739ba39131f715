import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@seam/testing';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@seam/transport';
import { Redis } from 'ioredis';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { openMonitor } from '../support/redis-monitor.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import {
  expectNormalCallSucceeds,
  type HostileTarget,
  prototypePollution,
  startTarget,
} from './support/hostile-apps.js';
import { isAtOrAfter, RedisTap } from './support/redis-tap.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const title = (name: string) => (skipReason ? `${name} — skipped: ${skipReason}` : name);

const STREAM = 'seam:rq:probe';
const GROUP = 'probe';
const HEARTBEATS = 'seam:hb:probe';
/** Our own reply channel: a name any Seam caller could have. */
const OURS = 'seam:rp:hostile-tap';
const OUTSIDE = ['evil:replies', HEARTBEATS, 'seam:rp', 'SEAM:RP:upper'];

const echo = (id: string, replyTo: unknown = OURS, pattern: unknown = 'probe.echo-message') => ({
  id,
  pattern,
  data: { text: id, count: 1 },
  replyTo,
});

suite(title('Hostile input: Redis streams wire (Seam server in this process)'), () => {
  let redis: PrivateRedis;
  let target: HostileTarget;
  let raw: Redis;
  let tap: RedisTap;

  /**
   * Appends entries, waits until the group has read them all and none is left pending, then until
   * every reply published before that has reached the tap (a replica publishes replies before it
   * acknowledges their entry).
   */
  async function xaddAndDrain(entries: string[][]): Promise<void> {
    let last = '';
    for (const fields of entries) last = (await raw.xadd(STREAM, '*', ...fields))!;
    await eventually(async () => {
      const groups = (await raw.xinfo('GROUPS', STREAM)) as unknown[][];
      const info = groups.map((flat) => Object.fromEntries(pairs(flat))).find((group) => group.name === GROUP);
      expect(isAtOrAfter(String(info?.['last-delivered-id']), last)).toBe(true);
      const [pending] = (await raw.xpending(STREAM, GROUP)) as [number];
      expect(pending).toBe(0);
    });
    await tap.sync(raw, OURS);
  }

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    target = await startTarget({ transport: 'redis', url: redis.url });
    raw = new Redis(redis.url);
    tap = await RedisTap.open(redis.url, [OURS, ...OUTSIDE]);
    await expectNormalCallSucceeds(target, 'warm-up');
  });
  afterAll(async () => {
    await tap?.close();
    await raw?.quit();
    await target?.close();
    await redis?.stop();
  });

  it('acknowledges malformed request entries without answering them, and keeps serving', async () => {
    const garbageBatch = Array.from({ length: 100 }, (_, i) => [i, null, 'x', [i], true, {}][i % 6]);
    await xaddAndDrain([
      ['foo', 'bar'],
      ['x', '1', 'y', '2'],
      ['p', '{not json'],
      ['b', '[{not json'],
      ['p', '42'],
      ['p', '"text"'],
      ['p', 'null'],
      ['p', '[1,2]'],
      ['b', JSON.stringify(garbageBatch)],
      ['p', JSON.stringify({ pattern: 'probe.echo-message', data: { text: 'x', count: 1 } })],
      ['p', JSON.stringify({ ...echo('numeric-id'), id: 7 })],
      ['p', JSON.stringify({ ...echo('no-reply-to'), replyTo: undefined })],
      ['p', JSON.stringify(echo('marker-1'))],
    ]);
    await tap.reply(OURS, 'marker-1');
    expect(tap.replyIds(OURS)).toEqual(['marker-1']);
    await expectNormalCallSucceeds(target);
  });

  it('never publishes a reply outside seam:rp:*, whatever replyTo says', async () => {
    await xaddAndDrain([
      ...OUTSIDE.map((channel, i) => ['p', JSON.stringify(echo(`outside-${i}`, channel))]),
      ['b', JSON.stringify([...OUTSIDE.map((channel, i) => echo(`outside-${i}-batched`, channel)), echo('marker-2')])],
    ]);
    await tap.reply(OURS, 'marker-2');
    for (const channel of OUTSIDE) {
      expect(tap.replies(channel).filter((reply) => String(reply?.id).startsWith('outside-'))).toEqual([]);
    }
    expect(tap.replyIds(OURS)).not.toContainEqual(expect.stringMatching(/^outside-/));
  });

  it('answers unknown string patterns with unknown-pattern and drops non-string ones', async () => {
    const hostile: Array<[string, unknown]> = [
      ['pat-long', `probe.${'x'.repeat(100_000)}`],
      ['pat-proto', '__proto__'],
      ['pat-ctor', 'constructor'],
      ['pat-object', { cmd: 'probe.echo-message' }],
      ['pat-array', ['probe.echo-message']],
      ['pat-number', 42],
    ];
    const requests = hostile.map(([id, pattern]) => echo(id, OURS, pattern));
    await xaddAndDrain([['b', JSON.stringify([...requests, echo('marker-3')])]]);
    await tap.reply(OURS, 'marker-3');
    for (const id of ['pat-long', 'pat-proto', 'pat-ctor']) {
      expect(await tap.reply(OURS, id)).toMatchObject({
        err: { code: 'UNAVAILABLE', details: { reason: 'unknown-pattern' } },
      });
    }
    expect(tap.replyIds(OURS).filter((id) => ['pat-object', 'pat-array', 'pat-number'].includes(String(id)))).toEqual(
      [],
    );
    await expectNormalCallSucceeds(target);
  });

  it('refuses a payload with __proto__ as VALIDATION, ignores a __proto__ in metadata, and pollutes nothing', async () => {
    const payload = '{"text":"x","count":1,"__proto__":{"polluted":"yes","isAdmin":true}}';
    await raw.xadd(
      STREAM,
      '*',
      'p',
      `{"id":"proto-data","pattern":"probe.echo-message","replyTo":"${OURS}","data":${payload}}`,
    );
    expect(await tap.reply(OURS, 'proto-data')).toMatchObject({ err: { code: 'VALIDATION' } });
    const metadata = '{"__proto__":{"seam-caller":"admin","seam-budget-ms":"-1"}}';
    await raw.xadd(
      STREAM,
      '*',
      'p',
      `{"id":"proto-meta","pattern":"probe.describe-call","replyTo":"${OURS}","data":{},"metadata":${metadata}}`,
    );
    expect(await tap.reply(OURS, 'proto-meta')).toMatchObject({ response: { caller: 'unknown', intercepted: true } });
    expect(prototypePollution()).toEqual([]);
  });

  // Clients refuse such payloads before sending; an entry this large was written by someone else,
  // and the server must not even parse it (it would otherwise read entries up to Redis's 512 MB).
  it('refuses a request entry larger than maxMessageBytes without running the handler', async () => {
    const blob = 'a'.repeat(DEFAULT_MAX_MESSAGE_BYTES + 1024);
    await xaddAndDrain([
      ['p', JSON.stringify({ id: 'too-big', pattern: 'probe.echo-blob', data: { blob }, replyTo: OURS })],
    ]);
    const answers = tap.replies(OURS).filter((reply) => reply?.id === 'too-big');
    expect(answers.filter((reply) => reply.response !== undefined)).toEqual([]); // dropping it or answering VALIDATION are both fine
    for (const answer of answers) expect(answer).toMatchObject({ err: { code: 'VALIDATION' } });
  });

  it('survives garbage on the heartbeat channel and on the callers’ reply channels, even with a call in flight', async () => {
    const replyChannels = ((await raw.pubsub('CHANNELS', 'seam:rp:*')) as string[]).filter(
      (channel) => channel !== OURS,
    );
    expect(replyChannels.length).toBeGreaterThan(0);
    // The caller drops the consumer of a replica it declares dead: that is how we see it happen.
    const monitor = await openMonitor(redis.url);
    let forgedDeclaredDead = false;
    let inFlightSettled = false;
    let declaredDeadWhileInFlight = false;
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes('DELCONSUMER') && args.includes('forged-replica') && !forgedDeclaredDead) {
        forgedDeclaredDead = true;
        declaredDeadWhileInFlight = !inFlightSettled;
      }
    });
    try {
      // Spans the death of a forged replica (silent past the suspicion timeout, then absent from
      // Redis), which must not fail the calls of the real one. Held 3 s (deadline 10 s), so that the
      // death still comes while it is in flight when a loaded 2-core CI machine stalls this process.
      const inFlight = target.client.send(ProbeContract.sleep, { ms: 3_000, id: 'in-flight' }, { timeoutMs: 10_000 });
      void inFlight.then(
        () => (inFlightSettled = true),
        () => (inFlightSettled = true),
      );
      const garbage = [
        'not json',
        '',
        'null',
        '[]',
        '[null,1,"x",{"id":5}]',
        '{"id":"no-such-call","response":{}}',
        '{"id":{"length":1},"err":"boom"}',
        '{"__proto__":{"polluted":"yes"}}',
        'x'.repeat(100_000),
      ];
      const beats = [
        'not json',
        'null',
        '[]',
        '{"replica":123}',
        `{"replica":"${'r'.repeat(10_000)}"}`,
        '{"state":"down"}',
        '{"replica":"forged-replica","state":"up"}',
        '{"replica":"never-seen","state":"down"}',
        '{"__proto__":{"polluted":"yes"},"replica":"p"}',
      ];
      for (const channel of replyChannels) for (const message of garbage) await raw.publish(channel, message);
      for (const message of beats) await raw.publish(HEARTBEATS, message);
      // The death is awaited on its own, not bounded by the call; that it came while the call was in
      // flight is checked as such.
      await eventually(() => expect(forgedDeclaredDead).toBe(true), { timeoutMs: 10_000 });
      expect(declaredDeadWhileInFlight).toBe(true);
      await expect(inFlight).resolves.toEqual({ replica: 'local', id: 'in-flight' });
    } finally {
      monitor.disconnect();
    }
    await expectNormalCallSucceeds(target);
    expect(prototypePollution()).toEqual([]);
  });

  it('answers every request of a batch entry (3 replies, possibly in one message)', async () => {
    await xaddAndDrain([['b', JSON.stringify([echo('batch-1'), echo('batch-2'), echo('batch-3')])]]);
    for (const id of ['batch-1', 'batch-2', 'batch-3']) {
      expect(await tap.reply(OURS, id)).toEqual({ id, response: { text: id, count: 1 } });
    }
    expect(tap.replyIds(OURS).filter((id) => String(id).startsWith('batch-'))).toHaveLength(3);
  });
});

function pairs(flat: unknown[]): Array<[unknown, unknown]> {
  return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
}
