import { shopSuite } from './support/shop-suite.js';
import { postgresTarget } from './support/database-targets.js';
import { inProcessTarget } from './support/in-process-target.js';

// The same suite on a fresh PostgreSQL database (a schema per module); skipped, with the reason in
// its title, when no server is reachable at SEAM_TEST_POSTGRES_URL.
shopSuite(inProcessTarget(await postgresTarget()));
