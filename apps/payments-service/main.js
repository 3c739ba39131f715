// The built app at the path deployments name (dist/apps/payments-service/main.js); the Nest CLI copies
// this file there as an asset (nest-cli.json), next to the compiled tree it imports.
import './apps/payments-service/src/main.js';
