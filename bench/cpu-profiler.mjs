// Preload for profiling a process whose command line the bench does not control (NODE_OPTIONS
// refuses --cpu-prof on Node 20): NODE_OPTIONS="--import file:///…/bench/cpu-profiler.mjs" with
// BENCH_PROFILE_DIR set. Writes <dir>/<pid>-<n>.cpuprofile on SIGUSR1 (SIGUSR2 is linkd's hold-stop; and starts a new one,
// so each file covers one phase) and when the process exits normally (not on SIGKILL), with
// process.memoryUsage() next to it. The in-process inspector answers synchronously, which is
// what makes writing from the 'exit' handler possible.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let part = 0;
  const dump = () => {
    part += 1;
    const name = join(dir, `${process.pid}-${part}`);
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(`${name}.cpuprofile`, JSON.stringify(result.profile));
    });
    writeFileSync(`${name}.memory.json`, JSON.stringify(process.memoryUsage()));
  };
  process.on('SIGUSR1', () => {
    dump();
    session.post('Profiler.start');
  });
  process.on('exit', dump);
}
