import { describe, expect, it } from '@jest/globals';
import { MetricsConfigError, metricsFromEnv, metricsOnAtLoad } from './metrics-from-env.js';

describe('metricsFromEnv', () => {
  it('is on when SEAM_METRICS is unset or blank', () => {
    expect(metricsFromEnv({})).toBe(true);
    expect(metricsFromEnv({ SEAM_METRICS: '  ' })).toBe(true);
  });

  it.each(['on', '1', 'true', 'ON', ' True '])('is on for SEAM_METRICS=%p', (value) => {
    expect(metricsFromEnv({ SEAM_METRICS: value })).toBe(true);
  });

  it.each(['off', '0', 'false', 'OFF', ' False '])('is off for SEAM_METRICS=%p', (value) => {
    expect(metricsFromEnv({ SEAM_METRICS: value })).toBe(false);
  });

  it.each(['no', 'disabled', '2', 'of'])('refuses SEAM_METRICS=%p, naming the variable', (value) => {
    expect(() => metricsFromEnv({ SEAM_METRICS: value })).toThrow(MetricsConfigError);
    expect(() => metricsFromEnv({ SEAM_METRICS: value })).toThrow(
      `SEAM_METRICS must be on or off (1 or 0, true or false); got "${value}"`,
    );
  });
});

describe('metricsOnAtLoad', () => {
  it('follows SEAM_METRICS, and leaves a bad value on for the start-up check to refuse', () => {
    expect(metricsOnAtLoad({ SEAM_METRICS: 'off' })).toBe(false);
    expect(metricsOnAtLoad({})).toBe(true);
    expect(metricsOnAtLoad({ SEAM_METRICS: 'maybe' })).toBe(true);
  });
});
