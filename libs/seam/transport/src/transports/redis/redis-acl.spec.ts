import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { redisAclFor } from './redis-acl.js';

const PASSWORD = 'a-long-generated-password-0123456789';

describe('redis-acl', () => {
  describe('redisAclFor', () => {
    const orders = redisAclFor({
      username: 'seam-orders',
      password: PASSWORD,
      hosts: ['orders'],
      calls: ['payments'],
      subscribes: ['payments.payment.captured'],
    });

    it('starts from nothing and stores only the hash of the password', () => {
      expect(orders.rules.slice(0, 4)).toEqual([
        'reset',
        'on',
        `#${createHash('sha256').update(PASSWORD).digest('hex')}`,
        '-@all',
      ]);
      expect(orders.command).not.toContain(PASSWORD);
    });

    it("grants the server's commands on its own request stream and the events it consumes only", () => {
      expect(orders.rules).toContain(
        '(~seam:rq:orders ~seam:rq:orders:* ~seam:ev:payments.payment.captured +xgroup|create +xreadgroup +xack +xinfo|consumers +xgroup|delconsumer)',
      );
      expect(orders.rules).toContain('(~seam:rq:orders ~seam:rq:orders:* +xdel)');
      expect(orders.rules).toContain('(&seam:rp:* &seam:hb:orders +publish)');
      expect(orders.rules).toContain('(~seam:ev:orders.* +xadd)');
    });

    it("grants the client's commands on the request streams of the modules it calls only", () => {
      // The shared stream, and its own stream of payments (ACL identities): no other caller's.
      expect(orders.rules).toContain(
        '(~seam:rq:payments ~seam:rq:payments:orders +xadd +xdel +xinfo|consumers +xpending +xgroup|delconsumer)',
      );
      expect(orders.rules).toContain(
        '(&seam:rp:* &seam:hb:payments &seam:pr:m:orders &seam:pr:r:orders:* +subscribe +unsubscribe)',
      );
      expect(orders.rules.join(' ')).not.toMatch(/~\*|&\*|\+@all|\+keys|\+scan|pubsub\|channels|\+eval/);
    });

    it("lets a process hold the presence channels of its own modules' replicas only", () => {
      // Holding another module's would keep that module's dead replicas counted alive.
      const presence = orders.rules.join(' ').match(/&seam:pr:\S+/g);
      expect(presence).toEqual(['&seam:pr:m:orders', '&seam:pr:r:orders:*']);
    });

    it('quotes selectors in the redis-cli command', () => {
      expect(orders.command).toMatch(/^ACL SETUSER seam-orders reset on #[0-9a-f]{64} -@all /);
      expect(orders.command).toContain('"(~seam:rq:orders ~seam:rq:orders:* +xdel)"');
    });

    it('writes no empty selector for a process that hosts or calls nothing', () => {
      const caller = redisAclFor({ username: 'seam-edge', password: PASSWORD, hosts: [], calls: ['orders'] });
      expect(caller.rules.filter((rule) => rule.startsWith('('))).toEqual([
        '(~seam:rq:orders +xadd +xdel +xinfo|consumers +xpending +xgroup|delconsumer)',
        '(&seam:rp:* &seam:hb:orders +subscribe +unsubscribe)',
      ]);
    });

    it('lets a process append to its own stream of each callee for every identity it speaks as, and to no stream of its own modules', () => {
      const edge = redisAclFor({
        username: 'seam-edge',
        password: PASSWORD,
        hosts: ['catalog'],
        calls: ['orders'],
        speaksAs: ['edge', 'catalog'],
      });
      const appending = edge.rules.filter((rule) => rule.includes('+xadd')).join(' ');
      expect(appending).toContain('~seam:rq:orders:edge ~seam:rq:orders:catalog');
      // It reads its callers' streams of catalog but may not write them: that is what vouches.
      expect(appending).not.toMatch(/seam:rq:catalog|seam:rq:orders:\*/);
    });

    it.each([
      [{ speaksAs: ['edge*'] }, /not a module name/],
      [{ hosts: ['orders*'] }, /not a module name/],
      [{ hosts: ['Orders'] }, /not a module name/],
      [{ calls: ['a b'] }, /not a module name/],
      [{ subscribes: ['payments.*'] }, /glob/],
      [{ subscribes: ['x) (~* +@all'] }, /glob/],
      [{ username: 'x on >pw' }, /glob/],
      [{ password: 'short' }, /at least 16/],
    ])('refuses %j, which would widen or break a rule', (override, message) => {
      expect(() => redisAclFor({ username: 'u', password: PASSWORD, hosts: ['orders'], ...override })).toThrow(message);
    });
  });
});
