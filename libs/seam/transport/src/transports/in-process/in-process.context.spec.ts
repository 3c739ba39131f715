import { describe, expect, it } from '@jest/globals';
import { InProcessContext } from './in-process.context.js';

describe('InProcessContext', () => {
  const metadata = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'seam-caller': 'orders' };
  const context = new InProcessContext('payments.authorize', metadata);

  it('gives the pattern and the metadata the caller attached', () => {
    expect(context.getPattern()).toBe('payments.authorize');
    expect(context.getMetadata()).toBe(metadata);
  });

  it("gives Nest's argument list, [pattern, metadata], whole or by index", () => {
    expect(context.getArgs()).toEqual(['payments.authorize', metadata]);
    expect(context.getArgByIndex(0)).toBe('payments.authorize');
    expect(context.getArgByIndex(1)).toBe(metadata);
  });
});
