import { type DynamicModule, Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TransportRouter } from '@seam/transport';
import type { CallPoliciesConfig } from './call-policies.config.js';
import { loadCallPolicies } from './load-call-policies.js';
import { SeamCallPolicies } from './seam-call-policies.js';

/** Where the policies came from, for the start-up log. */
const POLICY_SOURCE = Symbol('seam.call-policies.source');

/**
 * Installs call policies on the process's transport: every `SeamClient.send` then goes through
 * its target module's policy (deadline, retries, breaker, bulkhead), whichever transport carries
 * it. Logs each reachable module's policy at start-up (debug). Import once per app, next to
 * `SeamTransportModule.forRoot`.
 */
@Global()
@Module({})
export class SeamResilienceModule implements OnModuleInit {
  private readonly logger = new Logger('CallPolicies');

  constructor(
    private readonly router: TransportRouter,
    private readonly policies: SeamCallPolicies,
    @Inject(POLICY_SOURCE) private readonly source: string,
  ) {}

  /**
   * With `config`, or else what {@link loadCallPolicies} finds (`SEAM_CALL_POLICIES_FILE`,
   * `call-policies.json` in the working directory, or the defaults).
   *
   * @throws CallPoliciesError at start-up for a policies file that cannot be used.
   */
  static forRoot(config?: CallPoliciesConfig): DynamicModule {
    const loaded = config ? { config, source: 'the app' } : loadCallPolicies();
    return {
      module: SeamResilienceModule,
      providers: [
        { provide: SeamCallPolicies, useValue: new SeamCallPolicies(loaded.config, loaded.source) },
        { provide: POLICY_SOURCE, useValue: loaded.source },
      ],
      exports: [SeamCallPolicies],
    };
  }

  onModuleInit(): void {
    this.router.useCallPolicy(this.policies);
    // One module per line at debug; the process's start-up summary prints them grouped (SeamCallPolicies.summary).
    this.logger.debug(`Call policies from ${this.source}`);
    const modules = new Set([...this.router.modules(), ...Object.keys(this.policies.config.modules)]);
    for (const module of [...modules].toSorted()) this.logger.debug(this.policies.of(module).describe());
  }
}
