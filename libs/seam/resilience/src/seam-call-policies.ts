import type { CallPolicy, RequestEntry } from '@seam/transport';
import type { CallPoliciesConfig } from './call-policies.config.js';
import { ModulePolicy } from './module-policy.js';

/**
 * The {@link CallPolicy} of a process: one {@link ModulePolicy} per target module (its own
 * breaker, bulkhead and retry budget), from the module's settings or the default.
 */
export class SeamCallPolicies implements CallPolicy {
  private readonly policies = new Map<string, ModulePolicy>();

  /** @param source where `config` came from (a file, `defaults`, `the app`), for the start-up summary. */
  constructor(
    readonly config: CallPoliciesConfig,
    readonly source = 'the app',
  ) {}

  /**
   * The policies of calls to `modules` in as few lines as possible, for the start-up summary:
   * modules with the same settings share one line (`Call policies from defaults: calls to a, b: …`).
   */
  summary(modules: Iterable<string>): string[] {
    const groups = new Map<string, string[]>();
    for (const module of [...new Set(modules)].toSorted()) {
      const settings = this.of(module).describe().slice(`calls to ${module}: `.length);
      groups.set(settings, [...(groups.get(settings) ?? []), module]);
    }
    return [...groups].map(
      ([settings, names]) => `Call policies from ${this.source}: calls to ${names.join(', ')}: ${settings}`,
    );
  }

  deadlineFor(module: string): number {
    return this.settingsOf(module).deadlineMs;
  }

  execute<T>(entry: RequestEntry, deadlineAt: number, attempt: (timeoutMs: number) => Promise<T>): Promise<T> {
    return this.of(entry.module).execute(entry, deadlineAt, attempt);
  }

  circuits(): Array<[module: string, state: 'closed' | 'open' | 'half-open']> {
    return [...this.policies.values()].map((policy) => [policy.module, policy.circuit]);
  }

  /** The policy of calls to `module` (created on first use). */
  of(module: string): ModulePolicy {
    let policy = this.policies.get(module);
    if (!policy) {
      policy = new ModulePolicy(module, this.settingsOf(module));
      this.policies.set(module, policy);
    }
    return policy;
  }

  private settingsOf(module: string) {
    // Own keys only: `constructor` is a valid module name, and every object has one.
    return Object.hasOwn(this.config.modules, module) ? this.config.modules[module]! : this.config.default;
  }
}
