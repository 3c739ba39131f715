// Preloaded into the processes of a topology (NODE_OPTIONS=--import) when the benchmark profiles:
// Node 20 refuses --cpu-prof in NODE_OPTIONS, and a profile of the measured window alone is what
// is wanted anyway. SIGWINCH starts V8's sampling profiler; the next SIGWINCH stops it and writes
// <SEAM_CPU_PROF_DIR>/<pid>-<n>.cpuprofile (Chrome DevTools format). Not SIGUSR2: Nest's
// enableShutdownHooks() treats it as a shutdown signal; SIGWINCH is ignored by processes without it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.SEAM_CPU_PROF_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  let running = false;
  let written = 0;
  process.on('SIGWINCH', () => {
    if (!running) {
      session.post('Profiler.start');
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const file = join(dir, `${process.pid}-${++written}.cpuprofile`);
      // Written whole, then renamed: the benchmark waits for the final name.
      writeFileSync(`${file}.partial`, JSON.stringify(result.profile));
      renameSync(`${file}.partial`, file);
    });
  });
}
