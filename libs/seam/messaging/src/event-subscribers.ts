import { ANY_CALLER, contractEntries, contractModule, type EventEntry } from '@seam/transport';

/**
 * Whom an event of a module may go to, as its contract says: the modules its `subscribers` name,
 * or anyone (`[ANY_CALLER]`). A relay asks only these modules which events they take, so a module
 * that publishes need reach only its events' subscribers (and the NetworkPolicies admit no more).
 *
 * Looked up by pattern, the only thing an outbox row keeps: rows written before a contract was
 * given to the relay deliver as their pattern's entry says today.
 */
export class EventSubscribers {
  private constructor(
    /** The module whose events these are. */
    readonly module: string,
    private readonly lists: ReadonlyMap<string, readonly string[]> | undefined,
  ) {}

  /**
   * The lists of the events of `contract` (a `defineContract` value).
   *
   * @throws Error when `contract` was not declared with `defineContract`.
   */
  static of(contract: object): EventSubscribers {
    const module = contractModule(contract);
    const lists = new Map<string, readonly string[]>();
    for (const entry of contractEntries(contract))
      if (entry.kind === 'event') lists.set(entry.pattern, Object.freeze([...entry.subscribers]));
    return new EventSubscribers(module, lists);
  }

  /**
   * For a module whose contract the relay was not given: every event may go to anyone, so the
   * relay asks every module it can reach (what relays did before contracts named subscribers).
   */
  static unlisted(module: string): EventSubscribers {
    return new EventSubscribers(module, undefined);
  }

  /**
   * The modules `pattern` may go to, or `ANY_CALLER` for anyone. Anyone, too, for a pattern the
   * contract does not declare (an event removed since it was written, or no contract given): the
   * relay then asks every module, as the servers still refuse subscriptions a list leaves out.
   */
  of(pattern: string): readonly string[] | typeof ANY_CALLER {
    const list = this.lists?.get(pattern);
    if (list === undefined || (list.length === 1 && list[0] === ANY_CALLER)) return ANY_CALLER;
    return list;
  }

  /**
   * Whether `entry` is an event of this module's contract, with the same subscribers (always true
   * without a contract). An outbox refuses other events: the relay would not know where they go.
   */
  declares(entry: EventEntry<unknown>): boolean {
    if (!this.lists) return true;
    const list = this.lists.get(entry.pattern);
    return (
      list !== undefined &&
      list.length === entry.subscribers.length &&
      list.every((name, index) => entry.subscribers[index] === name)
    );
  }
}
