// The built app at the path deployments name (dist/apps/orders-service/main.js); the Nest CLI copies
// this file there as an asset (nest-cli.json), next to the compiled tree it imports.
import './apps/orders-service/src/main.js';
