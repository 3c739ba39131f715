import type { Server } from 'node:http';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DATABASE_CONFIG, type DatabaseConfig } from '@seam/persistence';
import { AppModule } from '../../../apps/monolith/src/app.module.js';
import { configureApp } from '../../../apps/monolith/src/bootstrap/configure-app.js';
import {
  THROTTLING_CONFIG,
  type ThrottlingConfig,
} from '../../../apps/monolith/src/edge/throttling/throttling.config.js';
import { LOCAL_MODULES } from '../../../apps/monolith/src/modules.js';
import { E2E_ADMIN, E2E_JWT_SECRET } from './e2e-accounts.js';

/**
 * The monolith's AppModule, booted as `main.ts` boots it (same `configureApp`), on the given
 * database instead of the environment's; not listening on a port (supertest drives its server).
 */
export class E2eMonolith {
  private constructor(
    readonly app: NestExpressApplication,
    readonly database: DatabaseConfig,
    private readonly options: { throttling?: ThrottlingConfig } = {},
  ) {}

  /** The HTTP server to send requests to. */
  get server(): Server {
    return this.app.getHttpServer() as Server;
  }

  /**
   * Starts the monolith on `database`. `throttling` replaces the edge's throttling settings (the
   * environment's otherwise), for suites that test throttling itself.
   */
  static async start(database: DatabaseConfig, options: { throttling?: ThrottlingConfig } = {}): Promise<E2eMonolith> {
    // Read by the identity module and the seed when the app is created.
    process.env.JWT_SECRET = E2E_JWT_SECRET;
    process.env.SEAM_ADMIN_EMAIL = E2E_ADMIN.email;
    process.env.SEAM_ADMIN_PASSWORD = E2E_ADMIN.password;
    delete process.env.SEED_DEMO_DATA;
    let testing = Test.createTestingModule({
      imports: [
        AppModule.for({ modules: LOCAL_MODULES, transport: { hosted: LOCAL_MODULES.map(({ name }) => name) } }),
      ],
    })
      .overrideProvider(DATABASE_CONFIG)
      .useValue(database);
    if (options.throttling) testing = testing.overrideProvider(THROTTLING_CONFIG).useValue(options.throttling);
    const moduleRef = await testing.compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error'] });
    await configureApp(app);
    await app.init();
    return new E2eMonolith(app, database, options);
  }

  /** Stops this app and starts a new one on the same data (a restart). */
  async restart(): Promise<E2eMonolith> {
    await this.close();
    return E2eMonolith.start(this.database, this.options);
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
