import type { InProcessServer } from './in-process.server.js';

/**
 * Where in-process clients find the servers of the modules running in this process. One bus per
 * process is the default (`defaultInProcessBus`); tests may create their own to isolate apps.
 */
export class InProcessBus {
  private readonly servers = new Map<string, InProcessServer>();
  private readonly all = new Set<InProcessServer>();

  /** Registers `server` as the host of `modules`. Throws if one is already hosted here. */
  register(server: InProcessServer, modules: Iterable<string>): void {
    const list = [...modules];
    const taken = list.filter((module) => this.servers.has(module) && this.servers.get(module) !== server);
    if (taken.length > 0) throw new Error(`Module(s) ${taken.join(', ')} already run in this process`);
    for (const module of list) this.servers.set(module, server);
    this.all.add(server);
  }

  /** Removes every registration of `server`. */
  unregister(server: InProcessServer): void {
    for (const [module, host] of this.servers) if (host === server) this.servers.delete(module);
    this.all.delete(server);
  }

  /** The server hosting `module`, if it runs in this process. */
  serverOf(module: string): InProcessServer | undefined {
    return this.servers.get(module);
  }

  /** Every server on the bus (events go to each). */
  serversList(): Iterable<InProcessServer> {
    return this.all;
  }
}

/** The bus shared by everything in this process. */
export const defaultInProcessBus = new InProcessBus();
