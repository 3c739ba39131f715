import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Liveness, type LivenessListener, type LivenessOptions } from './liveness.js';
import { HEARTBEAT_INTERVAL_MS, redisKeys, SUSPECT_AFTER_MS } from './redis-keys.js';

/** Sweeps run every half interval: a suspect is probed at most this long after its silence began to count. */
const SWEEP_MS = HEARTBEAT_INTERVAL_MS / 2;
/** Long enough for a suspect to be probed and judged. */
const JUDGED_MS = SUSPECT_AFTER_MS + 2 * SWEEP_MS;

const up = (replica: string) => JSON.stringify({ replica, state: 'up' });
const down = (replica: string) => JSON.stringify({ replica, state: 'down' });

/**
 * What Redis knows: the presence channels subscribed by connections that are open. A replica that
 * is "connected" keeps its channels whatever it beats; `disconnect` is what kill -9 does.
 */
class FakePresence {
  readonly subscribed = new Set<string>();
  readonly probes: string[][] = [];
  failing = false;

  connect(module: string, replica: string): void {
    this.subscribed.add(redisKeys.replicaPresence(module, replica));
    this.subscribed.add(`${redisKeys.modulePresence(module)}#${replica}`);
  }

  disconnect(replica: string): void {
    for (const channel of this.subscribed)
      if (channel.endsWith(`:${replica}`) || channel.endsWith(`#${replica}`)) this.subscribed.delete(channel);
  }

  readonly probe = (channels: readonly string[]): Promise<readonly number[]> => {
    this.probes.push([...channels]);
    if (this.failing) return Promise.reject(new Error('connection lost'));
    const count = (channel: string) =>
      [...this.subscribed].filter((held) => held === channel || held.startsWith(`${channel}#`)).length;
    return Promise.resolve(channels.map(count));
  };
}

describe('Liveness', () => {
  let listener: {
    replicaDied: jest.Mock<LivenessListener['replicaDied']>;
    moduleSilent: jest.Mock<NonNullable<LivenessListener['moduleSilent']>>;
  };
  let redis: FakePresence;
  const subjects: Liveness[] = [];
  const liveness = (options?: LivenessOptions) => {
    const created = new Liveness(listener, redis.probe, options);
    subjects.push(created);
    return created;
  };
  const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

  beforeEach(() => {
    jest.useFakeTimers();
    listener = { replicaDied: jest.fn(), moduleSilent: jest.fn() };
    redis = new FakePresence();
  });

  afterEach(() => {
    for (const subject of subjects.splice(0)) subject.stop();
    jest.useRealTimers();
  });

  describe('observe', () => {
    it('reports a silent replica dead once Redis no longer sees its connection, once', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      redis.disconnect('r1');
      await advance(SUSPECT_AFTER_MS - SWEEP_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      await advance(2 * SWEEP_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('orders')).toBe(true);
      await advance(10 * JUDGED_MS);
      expect(listener.replicaDied).toHaveBeenCalledTimes(1);
    });

    it('never reports a replica that is silent but still connected (a stalled event loop), however long', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      await advance(30_000);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
      // It was checked, not blindly trusted: about once per suspicion period, not once per sweep.
      expect(redis.probes.length).toBeGreaterThan(10);
      expect(redis.probes.length).toBeLessThanOrEqual(30_000 / SUSPECT_AFTER_MS + 1);
      subject.observe('orders', up('r1'));
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
    });

    it('does not probe a replica that beats every interval', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      for (let beat = 0; beat < 50; beat++) {
        subject.observe('orders', up('r1'));
        await advance(HEARTBEAT_INTERVAL_MS);
      }
      expect(redis.probes).toEqual([]);
      expect(listener.replicaDied).not.toHaveBeenCalled();
    });

    it('believes Redis over a stale answer: a heartbeat heard while the probe was out keeps the replica', async () => {
      let answer!: (counts: readonly number[]) => void;
      const subject = new Liveness(listener, () => new Promise((resolve) => (answer = resolve)));
      subjects.push(subject);
      subject.observe('orders', up('r1'));
      await advance(JUDGED_MS);
      subject.observe('orders', up('r1')); // the replica reconnected and beat before Redis answered
      answer([0]);
      await advance(0);
      expect(listener.replicaDied).not.toHaveBeenCalled();
    });

    it('judges nothing while Redis cannot be asked, and judges again once it can', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      redis.disconnect('r1');
      redis.failing = true;
      await advance(5 * JUDGED_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      redis.failing = false;
      await advance(JUDGED_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
    });

    it('reports only the replica Redis lost, and keeps the module up while another is connected', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      redis.connect('orders', 'r2');
      subject.observe('orders', up('r1'));
      subject.observe('orders', up('r2'));
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('orders')).toBe(false);
    });

    it('reports a replica that says it is going down once its presence is gone, without waiting for silence', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      redis.disconnect('r1');
      subject.observe('orders', down('r1'));
      await advance(0);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('orders')).toBe(true);
      subject.observe('orders', down('r1'));
      await advance(10 * JUDGED_MS);
      expect(listener.replicaDied).toHaveBeenCalledTimes(1);
    });

    it('ignores a forged "down" for a replica Redis still sees connected', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      subject.observe('orders', down('r1'));
      await advance(0);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
    });

    it('brings a dead replica back to life with its next heartbeat', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(subject.isDown('orders')).toBe(true);
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      expect(subject.isDown('orders')).toBe(false);
    });

    it.each([
      ['not JSON', '{replica: r1'],
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"r1"'],
      ['an array', '["r1"]'],
      ['an object without replica', '{"state":"up"}'],
      ['a numeric replica', '{"replica":7,"state":"up"}'],
      ['an empty replica name', '{"replica":"","state":"up"}'],
      ['an oversized replica name', JSON.stringify({ replica: 'r'.repeat(201), state: 'up' })],
      ['of an unknown state', '{"replica":"r1","state":"sideways"}'],
    ])('ignores a heartbeat that is %s', async (_, raw) => {
      const subject = liveness();
      subject.observe('orders', raw);
      await advance(10 * JUDGED_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('keeps modules apart', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      subject.observe('catalog', up('r9'));
      redis.connect('catalog', 'r9');
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('catalog')).toBe(false);
    });
  });

  describe('replicaCount', () => {
    it('counts the replicas heard or seeded per module, once each, and drops one Redis lost', async () => {
      const subject = liveness();
      expect(subject.replicaCount('orders')).toBe(0);
      redis.connect('orders', 'r1');
      redis.connect('orders', 'r2');
      subject.seed('orders', ['r1']);
      subject.observe('orders', up('r1'));
      subject.observe('orders', up('r2'));
      subject.observe('orders', 'not json');
      subject.observe('catalog', up('c1'));
      expect([subject.replicaCount('orders'), subject.replicaCount('catalog')]).toEqual([2, 1]);
      redis.disconnect('r1');
      subject.observe('catalog', up('c1'));
      await advance(JUDGED_MS);
      expect(subject.replicaCount('orders')).toBe(1);
    });
  });

  describe('isDown', () => {
    it('is false for a module never heard of', () => {
      const subject = liveness();
      subject.watch('orders');
      expect(subject.isDown('orders')).toBe(false);
      expect(subject.isDown('catalog')).toBe(false);
    });
  });

  describe('watch', () => {
    it('with expectHeartbeats, reports a watched module never heard and with no connected replica as silent, once', async () => {
      const subject = liveness({ expectHeartbeats: true });
      subject.watch('orders');
      await advance(SUSPECT_AFTER_MS - SWEEP_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      await advance(2 * SWEEP_MS);
      expect(listener.moduleSilent.mock.calls).toEqual([['orders']]);
      expect(subject.isDown('orders')).toBe(true);
      expect(redis.probes).toEqual([[redisKeys.modulePresence('orders')]]);
      await advance(10 * JUDGED_MS);
      expect(listener.moduleSilent).toHaveBeenCalledTimes(1);
      expect(listener.replicaDied).not.toHaveBeenCalled();
    });

    it('with expectHeartbeats, does not report a watched module whose replica is connected but not beating yet', async () => {
      const subject = liveness({ expectHeartbeats: true });
      redis.connect('orders', 'r1');
      subject.watch('orders');
      await advance(20 * JUDGED_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
    });

    it('keeps the silence clock of a module watched twice from the first watch', async () => {
      const subject = liveness({ expectHeartbeats: true });
      subject.watch('orders');
      await advance(SUSPECT_AFTER_MS - 100);
      subject.watch('orders');
      await advance(100 + SWEEP_MS);
      expect(listener.moduleSilent).toHaveBeenCalledTimes(1);
    });

    it('without expectHeartbeats, never reports a module that keeps no presence (stock Nest servers)', async () => {
      const subject = liveness();
      subject.watch('orders');
      await advance(10 * JUDGED_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
      expect(redis.probes).toEqual([[redisKeys.modulePresence('orders')]]); // asked once, at watch
    });

    it('without expectHeartbeats, watches a module whose replica keeps presence, and reports it once that replica is gone', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1'); // a Seam server whose heartbeats this client has not heard yet
      subject.watch('orders');
      await advance(5 * JUDGED_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(listener.moduleSilent.mock.calls).toEqual([['orders']]);
      expect(subject.isDown('orders')).toBe(true);
    });

    it('honours a longer suspectAfterMs', async () => {
      const subject = liveness({ expectHeartbeats: true, suspectAfterMs: 3_000 });
      subject.watch('orders');
      await advance(2_900);
      expect(redis.probes).toEqual([]);
      await advance(200);
      expect(listener.moduleSilent).toHaveBeenCalledTimes(1);
    });
  });

  describe('seed', () => {
    it('finds out a replica learnt elsewhere (a consumer of the stream) that dies before it is ever heard', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.seed('orders', ['r1']);
      await advance(3 * JUDGED_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('orders')).toBe(true);
    });

    it('forgets a stale consumer without declaring down a module whose live replica was not heard yet', async () => {
      const subject = liveness();
      redis.connect('orders', 'r2'); // connected, but stalled: no heartbeat heard
      subject.seed('orders', ['long-gone']);
      await advance(JUDGED_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'long-gone']]);
      expect(subject.isDown('orders')).toBe(false);
    });

    it('ignores replica names that are empty, oversized or already known', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.observe('orders', up('r1'));
      subject.seed('orders', ['', 'r'.repeat(201), 'r1']);
      await advance(JUDGED_MS);
      expect(redis.probes.flat()).toEqual([redisKeys.replicaPresence('orders', 'r1')]);
      expect(listener.replicaDied).not.toHaveBeenCalled();
    });
  });

  describe('reset', () => {
    it('forgets every replica and drops answers to probes sent before it', async () => {
      let answer!: (counts: readonly number[]) => void;
      const subject = new Liveness(listener, () => new Promise((resolve) => (answer = resolve)));
      subjects.push(subject);
      subject.observe('orders', up('r1'));
      await advance(JUDGED_MS);
      subject.reset();
      answer([0]);
      await advance(0);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
    });

    it('stops the silence clocks; watching again starts them afresh', async () => {
      const subject = liveness({ expectHeartbeats: true });
      subject.watch('orders');
      await advance(SUSPECT_AFTER_MS - 100);
      subject.reset();
      await advance(10 * JUDGED_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      subject.watch('orders');
      await advance(SUSPECT_AFTER_MS - SWEEP_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      await advance(2 * SWEEP_MS);
      expect(listener.moduleSilent.mock.calls).toEqual([['orders']]);
    });

    it('without expectHeartbeats, asks Redis again when a module is watched again', async () => {
      const subject = liveness();
      redis.connect('orders', 'r1');
      subject.watch('orders');
      subject.reset();
      subject.watch('orders'); // the replica dies before this client hears any heartbeat of it
      await advance(0);
      redis.disconnect('r1');
      await advance(JUDGED_MS);
      expect(listener.moduleSilent.mock.calls).toEqual([['orders']]);
    });
  });

  describe('constructor', () => {
    it.each([0, -1, Number.NaN])('refuses suspectAfterMs %p', (suspectAfterMs) => {
      expect(() => liveness({ suspectAfterMs })).toThrow(RangeError);
    });
  });

  describe('stop', () => {
    it('stops sweeping: nothing is reported and no timer is left', async () => {
      const subject = liveness({ expectHeartbeats: true });
      subject.watch('orders');
      subject.observe('catalog', up('r1'));
      subject.stop();
      expect(jest.getTimerCount()).toBe(0);
      await advance(10 * JUDGED_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(listener.moduleSilent).not.toHaveBeenCalled();
    });
  });
});
