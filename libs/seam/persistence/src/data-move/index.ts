export { DataMoveError, type DataMoveErrorKind } from './data-move.error.js';
export {
  type DataLocation,
  dataLocationFromConfig,
  describeDataLocation,
  parseDataLocation,
  redactUrl,
  sameDataLocation,
} from './data-location.js';
export {
  type DataMoveReport,
  describeTableRows,
  formatDataMoveReport,
  type RecordedMove,
  type TableMoveCount,
  type TableRows,
} from './data-move.report.js';
export { DATA_MOVES_TABLE } from './module-tables.js';
export { moveModuleData, type MoveModuleDataOptions } from './move-module-data.js';
