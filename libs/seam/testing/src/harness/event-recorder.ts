import { ContractController, defineContract, type EventEntry, Subscribe } from '@seam/transport';

/** The module name under which the harness records events. */
export const RECORDER_MODULE = 'seam-test-recorder';
const RecorderContract = defineContract(RECORDER_MODULE, {});

/** Collects the events a module under test publishes. */
export class EventRecorder {
  private readonly received = new Map<string, unknown[]>();

  constructor(readonly entries: ReadonlyArray<EventEntry<unknown>>) {}

  /** The payloads received for `entry`, in order of arrival. */
  of<P>(entry: EventEntry<P>): P[] {
    return [...((this.received.get(entry.pattern) as P[] | undefined) ?? [])];
  }

  /** @internal A controller subscribing to every recorded event. */
  controller(): new () => unknown {
    // The generated methods run with the controller as `this`; they reach back to this object.
    const recorder = this; // oxlint-disable-line typescript/no-this-alias
    const RecorderController = class {};
    for (const [index, entry] of this.entries.entries()) {
      const name = `on${index}`;
      const descriptor: PropertyDescriptor = {
        value: function (payload: unknown) {
          recorder.received.set(entry.pattern, [...(recorder.received.get(entry.pattern) ?? []), payload]);
        },
        writable: true,
        configurable: true,
      };
      // The recorder observes events for a test: it is admitted as a subscriber of its own copy
      // of the entry, since no contract names it (servers refuse subscribers a contract does not name).
      const observed = { ...entry, subscribers: [...entry.subscribers, RECORDER_MODULE] };
      Subscribe(observed)(RecorderController.prototype, name, descriptor as TypedPropertyDescriptor<never>);
      Object.defineProperty(RecorderController.prototype, name, descriptor);
    }
    ContractController(RecorderContract)(RecorderController);
    return RecorderController;
  }
}
