import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { defineContract, event, request } from '../contracts/define-contract.js';
import type { SeamTransportClient } from '../transports/transport-client.js';
import { type CallLabels, CallerMeters, installSeamMeters, type SeamMeters, transportKindOf } from './call-meters.js';

class Note {}

const Shelf = defineContract('shelf', {
  store: request({ pattern: 'shelf.store-note', callers: ['*'], request: Note, response: Note }),
  stored: event({ pattern: 'shelf.note.stored', subscribers: ['*'], payload: Note }),
});

const clientAt = (endpoint: string) => ({ endpoint }) as SeamTransportClient;

/** Meters that remember every label set they were asked for, and every settling. */
function recordingMeters() {
  const settled: Array<[CallLabels, string]> = [];
  const meters = {
    call: jest.fn((labels: CallLabels) => ({ settled: (outcome: string) => void settled.push([labels, outcome]) })),
    event: jest.fn((labels: CallLabels) => ({ settled: (outcome: string) => void settled.push([labels, outcome]) })),
  } satisfies SeamMeters;
  return { meters, settled };
}

describe('CallerMeters', () => {
  afterEach(() => installSeamMeters(undefined));

  describe('call', () => {
    it('labels a call with the caller, the entry, its module and the transport kind', () => {
      const { meters, settled } = recordingMeters();
      installSeamMeters(meters);
      new CallerMeters('edge').call(Shelf.store, clientAt('tcp://10.0.0.7:4001'))!.settled('ok', 0.001);
      expect(settled).toEqual([
        [{ caller: 'edge', callee: 'shelf', entry: 'shelf.store-note', transport: 'tcp' }, 'ok'],
      ]);
    });

    it('asks the installed meters once per entry, then answers from its cache', () => {
      const { meters } = recordingMeters();
      installSeamMeters(meters);
      const callers = new CallerMeters('edge');
      const transport = clientAt('in-process');
      expect(callers.call(Shelf.store, transport)).toBe(callers.call(Shelf.store, transport));
      expect(meters.call).toHaveBeenCalledTimes(1);
    });

    it('keeps one meter per pattern, whatever object the entry is: an entry built per call adds nothing', () => {
      const { meters } = recordingMeters();
      installSeamMeters(meters);
      const callers = new CallerMeters('orders');
      const transport = clientAt('in-process');
      const first = callers.call({ ...Shelf.store }, transport);
      for (let call = 0; call < 1_000; call++) expect(callers.call({ ...Shelf.store }, transport)).toBe(first);
      expect(meters.call).toHaveBeenCalledTimes(1);
      // The same pattern declared by another module is another meter (its labels name that module).
      callers.call({ ...Shelf.store, module: 'other' }, transport);
      expect(meters.call).toHaveBeenCalledTimes(2);
      expect(meters.call.mock.calls[1]![0].callee).toBe('other');
    });

    it('asks again when the route or the installed meters change', () => {
      const first = recordingMeters();
      installSeamMeters(first.meters);
      const callers = new CallerMeters('edge');
      callers.call(Shelf.store, clientAt('in-process'));
      callers.call(Shelf.store, clientAt('tcp://h:1'));
      const second = recordingMeters();
      installSeamMeters(second.meters);
      callers.call(Shelf.store, clientAt('tcp://h:1'));
      expect([first.meters.call.mock.calls.length, second.meters.call.mock.calls.length]).toEqual([2, 1]);
    });

    it('gives no meter when no meters are installed, so that a call does not time itself', () => {
      installSeamMeters(undefined);
      expect(new CallerMeters('edge').call(Shelf.store, clientAt('in-process'))).toBeUndefined();
    });
  });

  describe('event', () => {
    it('labels a publication with the emitter, the declaring module, the event and the target transport', () => {
      const { meters, settled } = recordingMeters();
      installSeamMeters(meters);
      new CallerMeters('shelf')
        .event(Shelf.stored, clientAt('redis-streams+redis://broker:6379'))
        .settled('UNAVAILABLE', 1);
      expect(settled).toEqual([
        [{ caller: 'shelf', callee: 'shelf', entry: 'shelf.note.stored', transport: 'redis' }, 'UNAVAILABLE'],
      ]);
    });
  });
});

describe('transportKindOf', () => {
  it.each([
    ['in-process', 'in-process'],
    ['tcp://10.0.0.7:4001', 'tcp'],
    ['redis-streams+redis://broker:6379', 'redis'],
    ['redis-pubsub+redis://broker:6379', 'redis'],
  ])('names %s "%s"', (endpoint, kind) => {
    expect(transportKindOf(clientAt(endpoint))).toBe(kind);
  });
});
