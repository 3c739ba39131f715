import { formatRate } from '../transport/report.js';
import type { DatabaseCeiling } from './database-ceiling.js';

/** The app's own rates on PostgreSQL in the same run (medians), set beside the ceiling. */
export interface AppRates {
  /** Events written per second with the relay stopped (the backlog mode's writing). */
  writing: number;
  backlog: number;
  endToEnd: number;
}

/** The median of `values` (the lower of the middle two when there is an even number). */
export const medianOf = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * The ceiling's table: per mix, the median and range of pgbench's rates over the rounds, and the
 * app's median rate as a share of the ceiling's median.
 */
export function ceilingTable(ceilings: DatabaseCeiling[], app: AppRates): string {
  const row = (label: string, pick: (ceiling: DatabaseCeiling) => number, own: number) => {
    const rates = ceilings.map(pick);
    const range = `${formatRate(Math.min(...rates))}–${formatRate(Math.max(...rates))}`;
    const ceiling = medianOf(rates);
    return `| ${label} | ${formatRate(ceiling)} | ${range} | ${formatRate(own)} | ${Math.round((100 * own) / ceiling)}% |`;
  };
  return [
    `| PostgreSQL alone (pgbench), per mix | events/s, median of ${ceilings.length} | range | the app's median (events/s) | the app's share of the ceiling |`,
    '| --- | ---: | ---: | ---: | ---: |',
    row("the producer's transactions alone (writing alone)", (ceiling) => ceiling.writing, app.writing),
    row("the subscriber's transactions alone (a backlog)", (ceiling) => ceiling.subscriber, app.backlog),
    row('both at once (end to end)', (ceiling) => ceiling.endToEnd, app.endToEnd),
  ].join('\n');
}

/** The end-to-end ceiling's median, for the target line. */
export function endToEndCeiling(ceilings: DatabaseCeiling[]): number {
  return medianOf(ceilings.map((ceiling) => ceiling.endToEnd));
}
