import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { RedisOutageLog } from './redis-outage-log.js';

function setup() {
  const lines: string[] = [];
  const log = new RedisOutageLog('Redis streams server r1 (redis://10.0.0.5:6379)', {
    warn: (message: unknown) => void lines.push(`warn ${String(message)}`),
    log: (message: unknown) => void lines.push(`log ${String(message)}`),
  });
  const connection = (name?: string) => {
    const redis = new EventEmitter();
    log.watch(redis, name);
    return redis;
  };
  return { lines, connection };
}

const refused = () => new Error('connect ECONNREFUSED 10.0.0.5:6379');

/** What ioredis emits for an error reply of Redis (a `ReplyError` of redis-errors). */
class ReplyError extends Error {
  override name = 'ReplyError';
}

describe('RedisOutageLog', () => {
  describe('watch', () => {
    it('warns once per outage however many attempts fail, and says once when it is over', () => {
      const { lines, connection } = setup();
      const commands = connection('commands');
      const presence = connection('presence');
      for (let attempt = 0; attempt < 50; attempt++) {
        commands.emit('error', refused());
        presence.emit('error', refused());
      }
      commands.emit('ready');
      presence.emit('ready');
      expect(lines).toEqual([
        'warn Redis streams server r1 (redis://10.0.0.5:6379): Redis connection failed (commands): connect ECONNREFUSED 10.0.0.5:6379; reconnecting, without logging each attempt',
        'log Redis streams server r1 (redis://10.0.0.5:6379): Redis connections are back after 100 failed attempt(s)',
      ]);
    });

    it('counts the ways a socket fails as one reason', () => {
      const { lines, connection } = setup();
      const commands = connection('commands');
      for (const message of [
        'read ECONNRESET',
        'write EPIPE',
        'connect ECONNRESET 10.0.0.5:6379',
        'Connection is closed.',
      ])
        commands.emit('error', new Error(message));
      expect(lines).toEqual([expect.stringContaining('failed (commands): read ECONNRESET')]);
    });

    it('warns again, once, when Redis answers with an error not given yet in the same outage', () => {
      const { lines, connection } = setup();
      const commands = connection('commands');
      commands.emit('error', refused());
      commands.emit('error', new ReplyError('WRONGPASS invalid username-password pair'));
      commands.emit('error', new ReplyError('WRONGPASS invalid username-password pair'));
      commands.emit('error', refused());
      expect(lines).toEqual([
        expect.stringContaining('failed (commands): connect ECONNREFUSED'),
        'warn Redis streams server r1 (redis://10.0.0.5:6379): Redis connection still failing (commands): WRONGPASS invalid username-password pair',
      ]);
    });

    it('says the outage is over only once every connection that failed is ready again', () => {
      const { lines, connection } = setup();
      const [commands, reader] = [connection('commands'), connection('reader')];
      commands.emit('error', refused());
      reader.emit('error', refused());
      commands.emit('ready');
      expect(lines).toHaveLength(1);
      reader.emit('ready');
      expect(lines).toHaveLength(2);
      // A new outage is reported afresh.
      reader.emit('error', refused());
      expect(lines).toHaveLength(3);
    });

    it('does not let a connection closed for good keep the outage open', () => {
      const { lines, connection } = setup();
      const discarded = connection();
      const replacement = connection();
      discarded.emit('error', refused());
      discarded.emit('end');
      replacement.emit('error', refused());
      replacement.emit('ready');
      expect(lines).toEqual([
        expect.stringMatching(/^warn .*Redis connection failed: connect ECONNREFUSED/),
        expect.stringMatching(/^log .*back after 2 failed attempt\(s\)$/),
      ]);
    });

    it('stays quiet about connections that connect without failing', () => {
      const { lines, connection } = setup();
      connection('commands').emit('ready');
      expect(lines).toEqual([]);
    });

    it("names every address's reason when a connection to several fails at once", () => {
      const { lines, connection } = setup();
      const both = new AggregateError([new Error('connect ECONNREFUSED ::1:6379'), refused()], '');
      connection('commands').emit('error', both);
      expect(lines[0]).toContain('connect ECONNREFUSED ::1:6379; connect ECONNREFUSED 10.0.0.5:6379');
    });
  });
});
