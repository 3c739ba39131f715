import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { eventually } from '@seam/testing';
import { Redis } from 'ioredis';
import { RawTcpPeer } from './raw-tcp-peer.js';
import { RedisTap } from './redis-tap.js';
import type { RogueSystem } from './rogue-system.js';

/** A request packet as a rogue sends it, signed or not. */
export interface RawPacket {
  pattern: string;
  data: unknown;
  metadata: Record<string, string>;
}

/** Sends one signed packet `times` times on a bare connection (new ids: only the envelope repeats). */
export async function replayOverTcp(
  system: RogueSystem,
  packet: RawPacket,
  times = 2,
): Promise<Array<Record<string, unknown>>> {
  const peer = await RawTcpPeer.open((system.payments as { port: number }).port);
  try {
    const replies: Array<Record<string, unknown>> = [];
    for (let n = 0; n < times; n++) replies.push((await peer.call({ ...packet, id: `send-${n}` }, 15_000)).json);
    return replies;
  } finally {
    peer.destroy();
  }
}

/** Appends one signed packet twice to payments' request stream, listening on a reply channel of its own. */
export async function replayOverRedis(system: RogueSystem, packet: RawPacket): Promise<Array<Record<string, unknown>>> {
  const replyTo = `seam:rp:rogue-${randomUUID()}`;
  const tap = await RedisTap.open(system.redis!.url, [replyTo]);
  const redis = new Redis(system.redis!.url);
  try {
    for (const id of ['first', 'copy'])
      await redis.xadd('seam:rq:payments', '*', 'p', JSON.stringify({ ...packet, id, replyTo }));
    await eventually(() => expect(tap.replies(replyTo)).toHaveLength(2), { timeoutMs: 15_000 });
    const byId = new Map(tap.replies(replyTo).map((reply) => [reply.id, reply as Record<string, unknown>]));
    return [byId.get('first')!, byId.get('copy')!];
  } finally {
    redis.disconnect();
    await tap.close();
  }
}
