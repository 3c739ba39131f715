import { describe, expect, it } from '@jest/globals';
import { isUntracedPath } from './start-tracing.js';

describe('isUntracedPath', () => {
  it.each([
    '/health',
    '/health/ready',
    '/metrics',
    '/metrics?x=1',
    '/_seam/data',
    '/HEALTH',
    '/Metrics',
    '/_SEAM/data',
  ])('leaves probes, scrapes and the dashboard’s polling untraced, however spelt: %s', (url) =>
    expect(isUntracedPath(url)).toBe(true),
  );

  it.each(['/api/orders', '/healthz', '/api/health', '/metricsx', '/'])('traces every other request: %s', (url) =>
    expect(isUntracedPath(url)).toBe(false),
  );
});
