import { describe, expect, it } from '@jest/globals';
import { Counter } from 'prom-client';
import { MetricsConfigError } from '../config/metrics-from-env.js';
import { RedFamily } from './red-family.js';
import { metricsRegistry } from './registry.js';

const family = (prefix: string) =>
  new RedFamily(
    { name: `${prefix}_total`, help: 'attempts' },
    { name: `${prefix}_duration_seconds`, help: 'time per attempt' },
  );

/** The counter's value per `who` label, as the registry exposes it. */
async function countsByWho(name: string): Promise<Record<string, number>> {
  const metric = await metricsRegistry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map(({ labels, value }) => [String(labels['who']), value]));
}

describe('RedFamily', () => {
  it('exposes the series of every family of one name, as a second copy of the package would make', async () => {
    const first = family('red_family_shared');
    const second = family('red_family_shared');
    first.add({ who: 'first' }).observe(0.002);
    const fromSecond = second.add({ who: 'second' });
    fromSecond.observe(0.002);
    fromSecond.observe(3);

    expect(await countsByWho('red_family_shared_total')).toEqual({ first: 1, second: 2 });
    const text = await metricsRegistry.getSingleMetricAsString('red_family_shared_duration_seconds');
    expect(text).toContain('red_family_shared_duration_seconds_count{who="second"} 2');
    expect(text).toContain('red_family_shared_duration_seconds_bucket{le="0.0025",who="first"} 1');
    expect(text).toContain('red_family_shared_duration_seconds_bucket{le="2.5",who="second"} 1');
    expect(text).toContain('red_family_shared_duration_seconds_bucket{le="5",who="second"} 2');
  });

  it('keeps the series where every copy of the package finds them: on the global object, under a registered symbol', () => {
    const series = family('red_family_global').add({ who: 'anyone' });
    const store = (globalThis as Record<symbol, Map<string, { list: unknown[] }>>)[
      Symbol.for('@seam/runtime.red-families')
    ];
    expect(store?.get('red_family_global_total')?.list).toEqual([series]);
  });

  it('answers one series for one label set, whichever family of the name asks', async () => {
    const first = family('red_family_same_labels').add({ who: 'both' });
    const second = family('red_family_same_labels').add({ who: 'both' });
    expect(second).toBe(first);
    first.observe(0.001);
    second.observe(0.001);

    expect(await countsByWho('red_family_same_labels_total')).toEqual({ both: 2 });
  });

  it("refuses a name the application's own metric holds, rather than hide either's figures", () => {
    const applications = new Counter({ name: 'red_family_taken_total', help: 'the application’s', registers: [] });
    metricsRegistry.registerMetric(applications);

    expect(() => family('red_family_taken')).toThrow(MetricsConfigError);
    expect(() => family('red_family_taken')).toThrow(
      `The metric name "red_family_taken_total" is already registered with prom-client's registry by something other than Seam; rename that metric`,
    );
    expect(metricsRegistry.getSingleMetric('red_family_taken_total')).toBe(applications);
    expect(metricsRegistry.getSingleMetric('red_family_taken_duration_seconds')).toBeUndefined();
  });

  it('registers neither metric when only the histogram name is taken', () => {
    metricsRegistry.registerMetric(
      new Counter({ name: 'red_family_half_duration_seconds', help: 'the application’s', registers: [] }),
    );

    expect(() => family('red_family_half')).toThrow(MetricsConfigError);
    expect(metricsRegistry.getSingleMetric('red_family_half_total')).toBeUndefined();
  });

  it('registers again after the registry was cleared, with the series recorded before', async () => {
    family('red_family_cleared').add({ who: 'before' }).observe(0.001);
    metricsRegistry.clear();
    expect(metricsRegistry.getSingleMetric('red_family_cleared_total')).toBeUndefined();

    family('red_family_cleared').add({ who: 'after' }).observe(0.001);

    expect(await countsByWho('red_family_cleared_total')).toEqual({ before: 1, after: 1 });
  });
});
