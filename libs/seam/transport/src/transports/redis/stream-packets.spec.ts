import { describe, expect, it } from '@jest/globals';
import {
  BATCH_FIELD,
  MAX_REQUESTS_PER_ENTRY,
  PACKET_FIELD,
  readMetadata,
  readPackets,
  readReplies,
} from './stream-packets.js';

const request = (id: number) => ({
  id: `c:${id}`,
  pattern: 'orders.place-order',
  data: { n: id },
  metadata: {},
  replyTo: 'seam:rp:c',
});

describe('stream-packets', () => {
  describe('readPackets', () => {
    it('reads one packet from the packet field', () => {
      expect(readPackets([PACKET_FIELD, JSON.stringify(request(1))])).toEqual([request(1)]);
    });

    it('reads every packet of a batch, in order', () => {
      const batch = [request(1), request(2), request(3)];
      expect(readPackets([BATCH_FIELD, JSON.stringify(batch)])).toEqual(batch);
    });

    it(`caps an oversized batch at ${MAX_REQUESTS_PER_ENTRY} packets, keeping the first ones`, () => {
      const batch = Array.from({ length: 40 }, (_, i) => request(i));
      const packets = readPackets([BATCH_FIELD, JSON.stringify(batch)]);
      expect(MAX_REQUESTS_PER_ENTRY).toBe(16);
      expect(packets).toEqual(batch.slice(0, 16));
    });

    it('leaves out the items of a batch that are not objects', () => {
      const batch = [request(1), 42, null, 'text', [request(2)], true, request(3)];
      expect(readPackets([BATCH_FIELD, JSON.stringify(batch)])).toEqual([request(1), request(3)]);
    });

    it('counts malformed items against the cap (an entry carries at most 16 items)', () => {
      const batch = [...Array.from({ length: 16 }, () => null), request(1)];
      expect(readPackets([BATCH_FIELD, JSON.stringify(batch)])).toEqual([]);
    });

    it.each([
      ['malformed JSON', [PACKET_FIELD, '{"id":']],
      ['malformed JSON in a batch', [BATCH_FIELD, '[{"id":"c:1"},']],
      ['an unknown field name', ['x', JSON.stringify(request(1))]],
      ['the packet under a data field name', ['data', JSON.stringify(request(1))]],
      ['an upper-case field name', ['P', JSON.stringify(request(1))]],
      ['no fields', []],
      ['a field without value', [PACKET_FIELD]],
      ['a non-string value', [PACKET_FIELD, 42 as unknown as string]],
      ['a single packet that is an array', [PACKET_FIELD, JSON.stringify([request(1)])]],
      ['a single packet that is null', [PACKET_FIELD, 'null']],
      ['a single packet that is a number', [PACKET_FIELD, '7']],
      ['a single packet that is a string', [PACKET_FIELD, '"orders.place-order"']],
      ['an empty batch', [BATCH_FIELD, '[]']],
    ])('reads nothing from %s', (_, fields) => {
      expect(readPackets(fields)).toEqual([]);
    });

    it('reads only the first field pair of an entry', () => {
      expect(
        readPackets([PACKET_FIELD, JSON.stringify(request(1)), BATCH_FIELD, JSON.stringify([request(2)])]),
      ).toEqual([request(1)]);
    });
  });

  describe('readMetadata', () => {
    it('keeps string values only', () => {
      const metadata = {
        traceparent: '00-abc',
        'seam-caller': 'orders',
        'seam-budget-ms': 1500,
        nested: { a: 'b' },
        list: ['x'],
        none: null,
        flag: true,
      };
      expect(readMetadata(metadata)).toEqual({ traceparent: '00-abc', 'seam-caller': 'orders' });
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a string', 'traceparent'],
      ['a number', 42],
      ['an array', ['00-abc', 'orders']],
    ])('is empty for %s', (_, value) => {
      expect(readMetadata(value)).toEqual({});
    });

    it('returns a plain object that a "__proto__" key cannot alter', () => {
      const metadata = readMetadata(JSON.parse('{"__proto__":"polluted","constructor":"x","seam-caller":"orders"}'));
      expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
      expect(metadata['seam-caller']).toBe('orders');
      expect(Object.keys(metadata).toSorted()).toEqual(['constructor', 'seam-caller']);
    });
  });
});

describe('readReplies', () => {
  it('reads one reply or a batch, keeping only replies with a string id', () => {
    expect(readReplies('{"id":"a","response":1,"auth":"x"}')).toEqual([{ id: 'a', response: 1, auth: 'x' }]);
    expect(readReplies('[{"id":"a"},{"id":2},null,"b",{"id":"c","err":{"code":"NOT_FOUND"}}]')).toEqual([
      { id: 'a' },
      { id: 'c', err: { code: 'NOT_FOUND' } },
    ]);
  });

  it('reads nothing from a message that is not JSON or holds no reply', () => {
    expect(readReplies('{not json')).toEqual([]);
    expect(readReplies('42')).toEqual([]);
  });
});
