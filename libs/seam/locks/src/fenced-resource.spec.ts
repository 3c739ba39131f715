import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '@seam/transport';
import { FencedMemoryStore, StaleTokenError } from './fenced-resource.js';

describe('FencedMemoryStore', () => {
  describe('write', () => {
    it('accepts the same or a newer token and refuses an older one as a ConflictError with details', () => {
      const store = new FencedMemoryStore<number>();
      store.write('sku-1', 1, 3);
      store.write('sku-1', 2, 3);
      store.write('sku-1', 3, 7);
      const error = (() => {
        try {
          store.write('sku-1', 4, 5);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(StaleTokenError);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as StaleTokenError).details).toEqual({ resource: 'sku-1', token: 5, highest: 7 });
      expect(store.read('sku-1')).toBe(3);
    });

    it('fences each resource separately', () => {
      const store = new FencedMemoryStore<string>();
      store.write('a', 'x', 9);
      store.write('b', 'y', 1);
      expect(store.read('b')).toBe('y');
    });
  });
});
