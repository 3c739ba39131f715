import { ANY_CALLER, type SeamClient, subscriptionsEntry } from '@seam/transport';
import type { EventSubscribers } from './event-subscribers.js';

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

/** Options of a {@link SubscriberDirectory}. */
export interface SubscriberDirectoryOptions {
  /** How long a module's answer is trusted before it is asked again, in ms. */
  refreshMs: number;
  /** Deadline of one `<module>.$subscriptions` request, in ms. */
  askTimeoutMs: number;
  /**
   * Whom each event may go to (default: anyone, for every event — every reachable module is
   * asked). With the publisher's contract, only the modules its events name are asked.
   */
  subscribers?: EventSubscribers;
  /**
   * The modules hosted in this process: asked for every event, since asking them crosses no
   * network, and a module subscribing on its own copy of an entry (a test's event recorder) is
   * served. A module here that subscribes against the list has been refused by its server.
   */
  hosted?: readonly string[];
}

/**
 * Which module subscribes to which event, learnt by asking the modules the event may go to
 * (`<module>.$subscriptions`) rather than configured: the subscriptions are in the consumers'
 * code, wherever it runs. The publisher's contract says which modules may subscribe
 * ({@link EventSubscribers}); only those (and the modules of this process) are asked, so an event
 * never waits for a module it cannot go to. Answers are kept for `refreshMs`; a module that cannot
 * be asked keeps its last answer, if it ever gave one.
 */
export class SubscriberDirectory {
  private readonly known = new Map<string, Known>();
  private readonly hosted: ReadonlySet<string>;

  constructor(
    private readonly seam: SeamClient,
    private readonly options: SubscriberDirectoryOptions,
  ) {
    this.hosted = new Set(options.hosted ?? []);
  }

  /** The modules that subscribe to `pattern`, among those it may go to. */
  async subscribersOf(pattern: string, now = Date.now()): Promise<Subscribers> {
    const modules: string[] = [];
    const unknown: string[] = [];
    await Promise.all(
      this.candidates(pattern).map(async (module) => {
        const known = await this.subscriptionsOf(module, now);
        if (!known) unknown.push(module);
        else if (known.patterns.has(pattern)) modules.push(module);
      }),
    );
    return { modules: modules.toSorted(), unknown: unknown.toSorted() };
  }

  /**
   * The modules asked about `pattern`: those reachable from here that its list names, or every
   * reachable one for `[ANY_CALLER]`. A named module this process has no route to is left out,
   * as an unnamed one always was: it is not part of this deployment.
   */
  candidates(pattern: string): string[] {
    const reachable = this.seam.reachableModules();
    const list = this.options.subscribers?.of(pattern) ?? ANY_CALLER;
    if (list === ANY_CALLER) return reachable;
    return reachable.filter((module) => list.includes(module) || this.hosted.has(module));
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
