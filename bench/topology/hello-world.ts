import { mkdirSync, writeFileSync } from 'node:fs';
import { transformFileSync } from '@swc/core';
import { spawnService, type ServiceProcess } from '@seam/testing';
import type { Flow } from './load.js';

/** The label of the ceiling in the tables (it is no topology of the system). */
export const HELLO_WORLD = 'nest-hello-world';

/** The ceiling's one request: GET of a constant JSON object. */
export const HELLO_FLOW: Flow = { id: 'hello', request: () => ({ method: 'GET', path: '/hello' }) };

/** The bare Nest app of hello-world.main.ts, running. */
export interface HelloWorld {
  baseUrl: string;
  process: ServiceProcess;
}

const LISTENING = /Listening on http:\/\/localhost:(\d+)/;

/**
 * Compiles hello-world.main.ts and its module with the project's .swcrc into dist/bench/
 * (node_modules resolve from there), so that it runs as plain JavaScript like the built monolith: through the SWC
 * loader the process would also hold the compiler (about 80 MiB more RSS).
 */
function build(): string {
  mkdirSync('dist/bench', { recursive: true });
  for (const name of ['hello-world.main', 'hello.module']) {
    const { code } = transformFileSync(`bench/topology/${name}.ts`, { sourceMaps: false });
    writeFileSync(`dist/bench/${name}.js`, code);
  }
  return 'dist/bench/hello-world.main.js';
}

/** Starts the bare Nest app in its own process. */
export async function startHelloWorld(): Promise<HelloWorld> {
  const process = await spawnService({
    entry: build(),
    env: { PORT: '0', NO_COLOR: '1' },
    readyLine: LISTENING,
  });
  return { baseUrl: `http://localhost:${LISTENING.exec(process.output())![1]}`, process };
}
