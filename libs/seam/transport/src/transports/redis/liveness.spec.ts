import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Liveness, type LivenessListener } from './liveness.js';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from './redis-keys.js';

/** Sweeps run every half interval: a silent replica is reported at most this long after its timeout. */
const SWEEP_MS = HEARTBEAT_INTERVAL_MS / 2;

const up = (replica: string) => JSON.stringify({ replica, state: 'up' });
const down = (replica: string) => JSON.stringify({ replica, state: 'down' });

describe('Liveness', () => {
  let listener: {
    replicaDied: jest.Mock<LivenessListener['replicaDied']>;
    moduleSilent: jest.Mock<NonNullable<LivenessListener['moduleSilent']>>;
  };
  const subjects: Liveness[] = [];
  const liveness = (expectHeartbeats?: boolean) => {
    const created = new Liveness(listener, expectHeartbeats);
    subjects.push(created);
    return created;
  };

  beforeEach(() => {
    jest.useFakeTimers();
    listener = { replicaDied: jest.fn(), moduleSilent: jest.fn() };
  });

  afterEach(() => {
    for (const subject of subjects.splice(0)) subject.stop();
    jest.useRealTimers();
  });

  describe('observe', () => {
    it('reports a replica heard then silent for longer than the timeout as dead, once', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      jest.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
      jest.advanceTimersByTime(SWEEP_MS);
      expect(listener.replicaDied).toHaveBeenCalledTimes(1);
      expect(listener.replicaDied).toHaveBeenCalledWith('orders', 'r1');
      expect(subject.isDown('orders')).toBe(true);
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      expect(listener.replicaDied).toHaveBeenCalledTimes(1);
    });

    it('keeps a replica that beats every interval alive', () => {
      const subject = liveness();
      for (let beat = 0; beat < 50; beat++) {
        subject.observe('orders', up('r1'));
        jest.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      }
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
    });

    it('reports only the replica that went silent, and the module alive while another beats', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      for (let beat = 0; beat < 10; beat++) {
        subject.observe('orders', up('r2'));
        jest.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      }
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('orders')).toBe(false);
    });

    it('reports a replica that says it is going down at once', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      subject.observe('orders', down('r1'));
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('orders')).toBe(true);
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      subject.observe('orders', down('r1'));
      expect(listener.replicaDied).toHaveBeenCalledTimes(1);
    });

    it('brings a dead replica back to life with its next heartbeat', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      subject.observe('orders', down('r1'));
      subject.observe('orders', up('r1'));
      expect(subject.isDown('orders')).toBe(false);
      jest.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS + SWEEP_MS);
      expect(listener.replicaDied).toHaveBeenCalledTimes(2);
    });

    it.each([
      ['not JSON', '{replica: r1'],
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"r1"'],
      ['an array', '["r1"]'],
      ['an object without replica', '{"state":"up"}'],
      ['a numeric replica', '{"replica":7,"state":"up"}'],
      ['an oversized replica name', JSON.stringify({ replica: 'r'.repeat(201), state: 'up' })],
    ])('ignores a heartbeat that is %s', (_, raw) => {
      const subject = liveness();
      subject.observe('orders', raw);
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('ignores a malformed "down" heartbeat for a live replica', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      subject.observe('orders', '{"replica":["r1"],"state":"down"}');
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
    });

    it('keeps modules apart', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      subject.observe('catalog', up('r1'));
      subject.observe('orders', down('r1'));
      expect(listener.replicaDied.mock.calls).toEqual([['orders', 'r1']]);
      expect(subject.isDown('catalog')).toBe(false);
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
    it('with expectHeartbeats, reports a watched module never heard as silent after the timeout, once', () => {
      const subject = liveness(true);
      subject.watch('orders');
      jest.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      jest.advanceTimersByTime(SWEEP_MS);
      expect(listener.moduleSilent.mock.calls).toEqual([['orders']]);
      expect(subject.isDown('orders')).toBe(true);
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      expect(listener.moduleSilent).toHaveBeenCalledTimes(1);
      expect(listener.replicaDied).not.toHaveBeenCalled();
    });

    it('with expectHeartbeats, does not report a watched module that was heard', () => {
      const subject = liveness(true);
      subject.watch('orders');
      for (let beat = 0; beat < 20; beat++) {
        subject.observe('orders', up('r1'));
        jest.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      }
      expect(listener.moduleSilent).not.toHaveBeenCalled();
    });

    it('keeps the silence clock of a module watched twice from the first watch', () => {
      const subject = liveness(true);
      subject.watch('orders');
      jest.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS - 100);
      subject.watch('orders');
      jest.advanceTimersByTime(100 + SWEEP_MS);
      expect(listener.moduleSilent).toHaveBeenCalledTimes(1);
    });

    it('without expectHeartbeats, never reports a silent module (stock servers do not beat)', () => {
      const subject = liveness(false);
      subject.watch('orders');
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      expect(subject.isDown('orders')).toBe(false);
    });
  });

  describe('reset', () => {
    it('forgets every replica: none is reported dead for silence heard before', () => {
      const subject = liveness();
      subject.observe('orders', up('r1'));
      subject.observe('catalog', up('r1'));
      subject.observe('catalog', down('r1'));
      subject.reset();
      expect(subject.isDown('catalog')).toBe(false);
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      expect(listener.replicaDied.mock.calls).toEqual([['catalog', 'r1']]);
      expect(subject.isDown('orders')).toBe(false);
    });

    it('restarts the silence clock of watched modules', () => {
      const subject = liveness(true);
      subject.watch('orders');
      jest.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS - 100);
      subject.reset();
      jest.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS);
      expect(listener.moduleSilent).not.toHaveBeenCalled();
      jest.advanceTimersByTime(SWEEP_MS);
      expect(listener.moduleSilent.mock.calls).toEqual([['orders']]);
    });
  });

  describe('stop', () => {
    it('stops sweeping: nothing is reported and no timer is left', () => {
      const subject = liveness(true);
      subject.watch('orders');
      subject.observe('catalog', up('r1'));
      subject.stop();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(10 * HEARTBEAT_TIMEOUT_MS);
      expect(listener.replicaDied).not.toHaveBeenCalled();
      expect(listener.moduleSilent).not.toHaveBeenCalled();
    });
  });
});
