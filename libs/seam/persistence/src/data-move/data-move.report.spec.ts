import { describe, expect, it } from '@jest/globals';
import { type DataMoveReport, formatDataMoveReport } from './data-move.report.js';

const report: DataMoveReport = {
  module: 'payments',
  from: 'SQLite file data/payments.sqlite',
  to: 'PostgreSQL 127.0.0.1:5432/shop schema payments',
  tables: [
    { table: 'idempotency_key', sourceRows: 12, targetRows: 12 },
    { table: 'payment', sourceRows: 1, targetRows: 1 },
  ],
  migrationsRun: ['CreatePayments1764100000000'],
  deleted: [],
  previousMoves: [],
  movedAt: '2026-11-25T10:00:00.000Z',
};

describe('formatDataMoveReport', () => {
  it('prints the migrations, a table of counts and the summary line last', () => {
    expect(formatDataMoveReport(report)).toEqual([
      'payments: target migrated: CreatePayments1764100000000',
      'table            source rows  target rows',
      'idempotency_key           12           12',
      'payment                    1            1',
      'payments: moved 2 tables (idempotency_key: 12 rows, payment: 1 row) from SQLite file data/payments.sqlite to PostgreSQL 127.0.0.1:5432/shop schema payments; counts verified',
    ]);
  });

  it('says what a forced move replaced', () => {
    const lines = formatDataMoveReport({
      ...report,
      migrationsRun: [],
      deleted: [{ table: 'payment', rows: 3 }],
      previousMoves: [{ source: 'SQLite file old/payments.sqlite', movedAt: '2026-11-24T09:00:00.000Z' }],
    });
    expect(lines.slice(0, 2)).toEqual([
      'payments: replaced the data of an earlier move (from SQLite file old/payments.sqlite at 2026-11-24T09:00:00.000Z)',
      'payments: deleted first: payment: 3 rows',
    ]);
  });
});
