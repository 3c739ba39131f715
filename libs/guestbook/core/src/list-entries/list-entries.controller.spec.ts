import { describe, expect, it } from '@jest/globals';
import { Guestbook } from '../domain/guestbook.domain.js';
import { ListEntriesController } from './list-entries.controller.js';

describe('ListEntriesController', () => {
  describe('list', () => {
    const guestbook = new Guestbook();
    for (const name of ['Ada', 'Grace', 'Barbara']) {
      guestbook.record({ id: name, name, greeting: `Hello, ${name}!`, at: '2026-11-25T10:00:00.000Z' });
    }
    const controller = new ListEntriesController(guestbook);

    it('lists every kept entry, newest first, when no limit is given', () => {
      expect(controller.list({}).entries.map((entry) => entry.name)).toEqual(['Barbara', 'Grace', 'Ada']);
    });

    it('lists at most `limit` entries', () => {
      expect(controller.list({ limit: 1 })).toEqual({ entries: [{ name: 'Barbara', greeting: 'Hello, Barbara!', at: '2026-11-25T10:00:00.000Z' }] });
    });
  });
});
