// `npm run start:topology -- <topology>`: see start-topology.cli.ts and the README.
import { colourWanted } from './prefixed-output.js';
import { startTopology } from './start-topology.cli.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const status = await startTopology(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  colour: colourWanted(process.stdout, process.env),
  onStopSignal: (listener) => {
    for (const signal of STOP_SIGNALS) process.on(signal, listener);
    return () => {
      for (const signal of STOP_SIGNALS) process.off(signal, listener);
    };
  },
});
// Every child has exited by now; leftover timers or sockets must not keep the tool alive.
process.exit(status);
