import {
  contractEntries,
  contractModule,
  ContractController,
  type ContractEntry,
  Handle,
  InternalError,
  type RequestEntry,
} from '@seam/transport';

type RequestKeys<C> = { [K in keyof C]: C[K] extends RequestEntry<unknown, unknown> ? K : never }[keyof C];
type Implementation<E> = E extends RequestEntry<infer Req, infer Res> ? (request: Req) => Res | Promise<Res> : never;

/** How each faked request answers; an entry left out fails with InternalError('not faked'). */
export type FakeBehaviour<C> = { [K in RequestKeys<C>]?: Implementation<C[K]> };

/**
 * A stand-in for another module, reached through its real contract: requests are validated at
 * the door as the real module would, answered by the behaviour you give, and recorded.
 */
export class ContractFake<C extends object = object> {
  private readonly received = new Map<string, unknown[]>();
  readonly module: string;

  constructor(
    readonly contract: C,
    private behaviour: FakeBehaviour<C>,
  ) {
    this.module = contractModule(contract);
  }

  /** Replaces how one request answers (e.g. to make it fail in one test). */
  respond<K extends RequestKeys<C>>(name: K, implementation: Implementation<C[K]>): void {
    this.behaviour = { ...this.behaviour, [name]: implementation };
  }

  /** The requests received for one entry, in order (as the handler got them, after validation). */
  calls<K extends RequestKeys<C>>(name: K): unknown[] {
    return [...(this.received.get(String(name)) ?? [])];
  }

  /** @internal Answers one request. */
  async answer(name: string, request: unknown): Promise<unknown> {
    this.received.set(name, [...(this.received.get(name) ?? []), request]);
    const implementation = (this.behaviour as Record<string, ((request: unknown) => unknown) | undefined>)[name];
    if (!implementation) throw new InternalError(`${this.module}.${name} is not faked`);
    return implementation(request);
  }

  /** @internal A Nest controller class answering every request entry of the contract. */
  controller(): new () => unknown {
    // The generated methods run with the controller as `this`; they reach back to this object.
    const fake = this; // oxlint-disable-line typescript/no-this-alias
    const FakeController = class {};
    Object.defineProperty(FakeController, 'name', { value: `Fake${pascal(this.module)}Controller` });
    for (const [name, entry] of Object.entries(this.contract) as Array<[string, ContractEntry]>) {
      if (entry.kind !== 'request') continue;
      const descriptor: PropertyDescriptor = {
        value: function (request: unknown) {
          return fake.answer(name, request);
        },
        writable: true,
        configurable: true,
      };
      Handle(entry as RequestEntry<unknown, unknown>)(
        FakeController.prototype,
        name,
        descriptor as TypedPropertyDescriptor<never>,
      );
      Object.defineProperty(FakeController.prototype, name, descriptor);
    }
    contractEntries(this.contract);
    ContractController(this.contract)(FakeController);
    return FakeController;
  }
}

/** A fake of another module's contract: `fakeOf(InventoryContract, { reserveStock: async (r) => … })`. */
export function fakeOf<C extends object>(contract: C, behaviour: FakeBehaviour<C> = {}): ContractFake<C> {
  return new ContractFake(contract, behaviour);
}

function pascal(module: string): string {
  return module.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
