import { shopSuite } from './support/shop-suite.js';
import { sqliteTarget } from './support/database-targets.js';
import { inProcessTarget } from './support/in-process-target.js';

// The embedded default: SQLite files in a temporary DATA_DIR.
shopSuite(inProcessTarget(sqliteTarget()));
