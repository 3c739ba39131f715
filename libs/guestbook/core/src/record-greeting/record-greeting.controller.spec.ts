import { describe, expect, it } from '@jest/globals';
import { Guestbook } from '../domain/guestbook.domain.js';
import { RecordGreetingController } from './record-greeting.controller.js';

describe('RecordGreetingController', () => {
  describe('record', () => {
    it('records the greeting of a greeter.greeting.composed event, dated when it was composed', () => {
      const guestbook = new Guestbook();
      new RecordGreetingController(guestbook).record({
        id: 'e-1',
        name: 'Ada',
        greeting: 'Hello, Ada!',
        occurredAt: '2026-11-25T10:00:00.000Z',
      });
      expect(guestbook.latest()).toEqual([{ name: 'Ada', greeting: 'Hello, Ada!', at: '2026-11-25T10:00:00.000Z' }]);
    });
  });
});
