import { type SeamClient, subscriptionsEntry } from '@seam/transport';

interface Known {
  patterns: ReadonlySet<string>;
  fetchedAt: number;
}

/** Who gets an event: the modules known to subscribe, and those whose subscriptions are unknown. */
export interface Subscribers {
  modules: string[];
  /** Modules that could not be asked (down, unreachable): the event must wait for them. */
  unknown: string[];
}

/**
 * Which module subscribes to which event, learnt by asking each reachable module
 * (`<module>.$subscriptions`) rather than configured: the subscriptions are in the consumers'
 * code, wherever it runs, and the producer need not know its consumers. Answers are kept for
 * `refreshMs`; a module that cannot be asked keeps its last answer, if it ever gave one.
 */
export class SubscriberDirectory {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly seam: SeamClient,
    private readonly options: { refreshMs: number; askTimeoutMs: number },
  ) {}

  /** The modules that subscribe to `pattern`. */
  async subscribersOf(pattern: string, now = Date.now()): Promise<Subscribers> {
    const modules: string[] = [];
    const unknown: string[] = [];
    await Promise.all(
      this.seam.reachableModules().map(async (module) => {
        const known = await this.subscriptionsOf(module, now);
        if (!known) unknown.push(module);
        else if (known.patterns.has(pattern)) modules.push(module);
      }),
    );
    return { modules: modules.toSorted(), unknown: unknown.toSorted() };
  }

  /** Forgets what `module` said (it answered a delivery as not subscribed: its code changed). */
  forget(module: string): void {
    this.known.delete(module);
  }

  private async subscriptionsOf(module: string, now: number): Promise<Known | undefined> {
    const cached = this.known.get(module);
    if (cached && now - cached.fetchedAt < this.options.refreshMs) return cached;
    try {
      const answer = await this.seam.send(subscriptionsEntry(module), {}, { timeoutMs: this.options.askTimeoutMs });
      const fresh = { patterns: new Set(answer.patterns), fetchedAt: now };
      this.known.set(module, fresh);
      return fresh;
    } catch {
      return cached;
    }
  }
}
