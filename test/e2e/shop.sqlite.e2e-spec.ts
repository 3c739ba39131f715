import { shopSuite } from './support/shop-suite.js';
import { sqliteTarget } from './support/database-targets.js';

// The embedded default: SQLite files in a temporary DATA_DIR.
shopSuite(sqliteTarget());
