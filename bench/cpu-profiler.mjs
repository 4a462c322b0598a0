// Preload for profiling a process whose command line the bench does not control (NODE_OPTIONS
// refuses --cpu-prof on Node 20): NODE_OPTIONS="--import file:///…/bench/cpu-profiler.mjs" with
// LINK_BENCH_PROFILE_DIR set. Writes <dir>/<pid>.cpuprofile when the process exits normally
// (process.exit included; not on SIGKILL). The in-process inspector answers synchronously, which
// is what makes writing from the 'exit' handler possible.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.LINK_BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
