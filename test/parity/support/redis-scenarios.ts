import { setTimeout as delay } from 'node:timers/promises';
import { expect, it } from '@jest/globals';
import { eventually } from '@seam/testing';
import { Redis } from 'ioredis';
import { ProbeContract } from '../fixtures/probe.contract.js';
import type { PrivateRedis } from '../../support/redis-server.js';
import type { ParityTarget } from './parity-target.js';

/** Scenarios for transports that go through Redis. */
export function redisRestartScenario(target: () => ParityTarget, redis: () => PrivateRedis): void {
  it('serves calls again after Redis is restarted (empty, as after a crash)', async () => {
    await expect(target().client.send(ProbeContract.echo, { text: 'before', count: 1 })).resolves.toEqual({
      text: 'before',
      count: 1,
    });
    await redis().restart();
    const started = performance.now();
    await eventually(
      () =>
        expect(
          target().client.send(ProbeContract.echo, { text: 'after', count: 2 }, { timeoutMs: 500 }),
        ).resolves.toEqual({ text: 'after', count: 2 }),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    process.stdout.write(`Redis restart: calls succeed again after ${(performance.now() - started).toFixed(0)} ms\n`);
  });
}

/**
 * Calls made while Redis comes back from a restart: each is answered or refused as Unavailable at
 * once, none is lost. The caller and the callee reconnect on their own schedules; a caller that
 * is back first appends calls before the callee has recreated its consumer group, and a group
 * created at the stream's end would skip them, leaving their callers to wait out their deadlines.
 * Calls are sent every 20 ms from the restart until 10 are answered, so some land in that window.
 */
export function redisRestartDeliveryScenario(target: () => ParityTarget, redis: () => PrivateRedis): void {
  it('answers or refuses every call made while Redis comes back from a restart, losing none', async () => {
    await target().client.send(ProbeContract.echo, { text: 'before', count: 1 });
    await redis().restart();
    const outcomes: Array<Promise<string>> = [];
    const answered = { count: 0 }; // modified by the answers, which the loop waits for
    const giveUpAt = performance.now() + 20_000;
    while (answered.count < 10 && performance.now() < giveUpAt) {
      const count = outcomes.length;
      outcomes.push(
        target()
          .client.send(ProbeContract.echo, { text: 'after', count }, { timeoutMs: 5_000 })
          .then(
            (answer) => {
              answered.count++;
              return answer.count === count ? 'answered' : 'wrong answer';
            },
            (error: Error) => error.name,
          ),
      );
      await delay(20);
    }
    const settled = await Promise.all(outcomes);
    const tally = Object.fromEntries(
      [...new Set(settled)].map((name) => [name, settled.filter((x) => x === name).length]),
    );
    process.stdout.write(`calls during a Redis restart: ${JSON.stringify(tally)}\n`);
    expect(answered.count).toBeGreaterThanOrEqual(10);
    expect(settled.filter((outcome) => outcome !== 'answered' && outcome !== 'UnavailableError')).toEqual([]);
  }, 60_000); // 20 s of calls at most, then their 5 s deadlines, on a loaded machine
}

/** Closes, from Redis's side, every connection on which a Seam client receives its replies. */
async function killReplyConnections(admin: Redis): Promise<number> {
  const lines = String(await admin.client('LIST')).split('\n');
  const ids = lines
    .filter((line) => / name=seam:client:\w+:replies /.test(line))
    .map((line) => /^id=(\d+)/.exec(line)![1]!);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

/**
 * Only the caller's reply connection drops (CLIENT KILL here; an output-buffer limit in
 * production) while its command connection stays up: each call is answered or refused as
 * Unavailable at once, none waits out its deadline. A call appended before the reply channel is
 * subscribed again would be answered to nobody. Calls are sent every 10 ms until 10 are answered
 * after the kill, so some are sent while the connection is back but not yet subscribed.
 */
export function replyConnectionLossScenario(target: () => ParityTarget, redis: () => PrivateRedis): void {
  it('answers or refuses every call made while its reply connection reconnects, losing none', async () => {
    const admin = new Redis(redis().url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
    try {
      await target().client.send(ProbeContract.echo, { text: 'before', count: 1 });
      const outcomes: Array<Promise<string>> = [];
      const answeredAfterKill = { count: 0 }; // modified by the answers, which the loop waits for
      let killed = 0;
      const giveUpAt = performance.now() + 20_000;
      while (answeredAfterKill.count < 10 && performance.now() < giveUpAt) {
        const count = outcomes.length;
        const sentAfterKill = killed > 0;
        outcomes.push(
          target()
            .client.send(ProbeContract.echo, { text: 'around the kill', count }, { timeoutMs: 5_000 })
            .then(
              (answer) => {
                if (sentAfterKill) answeredAfterKill.count++;
                return answer.count === count ? 'answered' : 'wrong answer';
              },
              (error: Error) => error.name,
            ),
        );
        if (count === 5) killed = await killReplyConnections(admin); // with calls in flight
        await delay(10);
      }
      const settled = await Promise.all(outcomes);
      const tally = Object.fromEntries(
        [...new Set(settled)].map((name) => [name, settled.filter((x) => x === name).length]),
      );
      process.stdout.write(`calls around a reply connection's loss: ${JSON.stringify(tally)}\n`);
      expect(killed).toBeGreaterThan(0);
      expect(answeredAfterKill.count).toBeGreaterThanOrEqual(10);
      expect(settled.filter((outcome) => outcome !== 'answered' && outcome !== 'UnavailableError')).toEqual([]);
    } finally {
      admin.disconnect();
    }
  }, 60_000); // 20 s of calls at most, then their 5 s deadlines, on a loaded machine
}

/** With 2 replicas of every callee module behind the load-balanced channel. */
export function replicaScenarios(target: () => ParityTarget): void {
  it('handles each request on exactly one of 2 replicas, and uses both', async () => {
    const ids = Array.from({ length: 400 }, (_, index) => `lb-${index}`);
    const answers = await Promise.all(ids.map((id) => target().client.send(ProbeContract.sleep, { ms: 2, id })));
    expect(answers.map((answer) => answer.id)).toEqual(ids);
    const handled = [0, 1].map((replica) =>
      target()
        .handledBy(replica)
        .filter((line) => line.startsWith('probe:lb-')),
    );
    const all = [...handled[0]!, ...handled[1]!];
    process.stdout.write(`2 replicas: ${handled[0]!.length} + ${handled[1]!.length} of ${ids.length} requests\n`);
    expect(all).toHaveLength(ids.length);
    expect(new Set(all).size).toBe(ids.length);
    expect(handled[0]!.length).toBeGreaterThan(0);
    expect(handled[1]!.length).toBeGreaterThan(0);
    const servedBy = new Set(answers.map((answer) => answer.replica));
    expect(servedBy).toEqual(new Set(['replica-0', 'replica-1']));
  });

  it('delivers each event once per subscribing module, not once per replica', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `fanout-${index}`);
    for (const id of ids) await target().clientAs('probe').emit(ProbeContract.pingSent, { id, text: 'hello' });
    for (const module of ['listener-a', 'listener-b']) {
      const lines = await eventually(() => {
        const received = [0, 1]
          .flatMap((replica) => target().handledBy(replica))
          .filter((line) => line.startsWith(`${module}:fanout-`));
        expect(received.length).toBeGreaterThanOrEqual(ids.length);
        return received;
      });
      expect(lines.toSorted()).toEqual(ids.map((id) => `${module}:${id}`).toSorted());
    }
  });
}

/** Connections blocked in XREADGROUP for `module` (each replica has one reader per module it serves). */
async function readersWaiting(admin: Redis, module: string): Promise<number> {
  const clients = String(await admin.client('LIST')).split('\n');
  return clients.filter(
    (line) => line.includes(`:${module} `) && line.includes(' cmd=xreadgroup ') && / flags=\S*b/.test(line),
  ).length;
}

/**
 * A burst sent in one tick while both replicas wait for work: the client cuts it into one entry
 * per replica it knows, and Redis hands each entry as it arrives to the replica that has waited
 * longest — so each replica gets half, not one replica the whole burst (an entry goes to one
 * replica). Run after a scenario that called the module, so the client has heard both replicas.
 */
export function burstSpreadScenario(target: () => ParityTarget, redis: () => PrivateRedis): void {
  it('splits a burst sent in one tick between the 2 replicas waiting for work', async () => {
    const admin = new Redis(redis().url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
    try {
      await target().client.send(ProbeContract.sleep, { ms: 0, id: 'warm-up-before-spread' });
      await delay(500); // a few heartbeats: the client has heard both replicas since the last scenario
      await eventually(async () => expect(await readersWaiting(admin, 'probe')).toBe(2), { timeoutMs: 10_000 });
      const ids = Array.from({ length: 8 }, (_, index) => `spread-${index}`);
      const answers = await Promise.all(ids.map((id) => target().client.send(ProbeContract.sleep, { ms: 20, id })));
      expect(answers.map((answer) => answer.id)).toEqual(ids);
      const handled = [0, 1].map(
        (replica) =>
          target()
            .handledBy(replica)
            .filter((line) => line.startsWith('probe:spread-')).length,
      );
      process.stdout.write(`a burst of 8 in one tick: ${handled[0]} + ${handled[1]}\n`);
      expect(handled).toEqual([4, 4]);
    } finally {
      admin.disconnect();
    }
  });
}

/** Kills one of 2 replicas mid-flight (run last: the replica stays dead). */
export function replicaFailoverScenario(target: () => ParityTarget): void {
  it('fails only the calls the killed replica held; the other replica completes its own', async () => {
    const ids = Array.from({ length: 100 }, (_, index) => `failover-${index}`);
    // Each call is held 5 s, so that the victim still holds its calls when it is killed even after
    // stalls of hundreds of ms on a loaded 2-core CI machine (a call it had already answered would
    // count as held but not fail); the 15 s deadline leaves the survivor's calls room beyond that.
    const results = ids.map((id) =>
      target()
        .client.send(ProbeContract.sleep, { ms: 5_000, id }, { timeoutMs: 15_000 })
        .then(
          (answer) => ({ ok: true as const, replica: answer.replica }),
          (error: Error) => ({ ok: false as const, error }),
        ),
    );
    await eventually(() =>
      expect([0, 1].flatMap((r) => target().handledBy(r)).filter((l) => l.startsWith('probe:failover-'))).toHaveLength(
        100,
      ),
    );
    const heldByVictim = target()
      .handledBy(1)
      .filter((line) => line.startsWith('probe:failover-')).length;
    target().replicas[1]!.signal('SIGKILL');
    const outcomes = await Promise.all(results);
    const failed = outcomes.filter((outcome) => !outcome.ok);
    process.stdout.write(
      `failover: victim held ${heldByVictim}, ${failed.length} failed, ${outcomes.length - failed.length} answered\n`,
    );
    expect(heldByVictim).toBeGreaterThan(0);
    expect(failed).toHaveLength(heldByVictim);
    expect(failed.every((outcome) => outcome.error.name === 'UnavailableError')).toBe(true);
    expect(outcomes.filter((outcome) => outcome.ok).every((outcome) => outcome.replica === 'replica-0')).toBe(true);
  }, 60_000); // the 5 s hold and 15 s deadlines on a loaded machine, beyond jest's default 30 s
}
