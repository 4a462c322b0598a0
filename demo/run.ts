/**
 * `npm run demo`: the entry point. Owns the process's ways out, so every one of them (the end,
 * Ctrl-C, SIGTERM, SIGHUP, an error) removes what the demo created, and a second Ctrl-C removes
 * it synchronously and exits at once.
 */
import { runDemo } from './demo.js';
import { chooseMode } from './mode.js';
import { parseDemoOptions, USAGE, UsageError } from './options.js';
import { bold, fail, info, result, step } from './say.js';
import { Teardown } from './teardown.js';

const teardown = new Teardown();
const stopping = new AbortController();
let finishing: Promise<never> | undefined;

function finish(code: number, why?: string): Promise<never> {
  finishing ??= (async () => {
    stopping.abort();
    const started = Date.now();
    step(`Cleaning up${why ? ` (${why})` : ''}: processes, namespaces, etcd data`);
    const ok = await teardown.run();
    const ms = Date.now() - started;
    info(ok ? `everything the demo created is gone (${ms} ms)` : 'cleanup finished with errors (see above)');
    result({ type: 'cleanup', ok, ms });
    process.exit(ok ? code : 1);
  })();
  return finishing;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (finishing) {
      // Asked twice: no more waiting, but still nothing left behind.
      teardown.runSync();
      process.exit(130);
    }
    process.stdout.write('\n');
    void finish(0, signal);
  });
}
process.on('uncaughtException', (error) => {
  if (finishing) return; // the teardown itself is the source: let it finish
  fail(error.stack ?? error.message);
  void finish(1);
});
process.on('unhandledRejection', (reason) => {
  if (finishing) return;
  fail(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  void finish(1);
});
// Last resort, e.g. a library calling process.exit: synchronous removal of whatever is left.
process.on('exit', () => teardown.runSync());

async function main(): Promise<void> {
  let options: ReturnType<typeof parseDemoOptions>;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.stdout.write(`${bold('LinK demo')}: virtual IPs that move between hosts through etcd\n`);
  const mode = chooseMode(options);
  const outcome = await runDemo({ options, mode, teardown, stopping: stopping.signal });
  if (outcome === 'done') await finish(0);
  // Runs until a signal: the servers of the demo keep the event loop alive, this makes sure.
  setInterval(() => {}, 1 << 30);
}

main().catch((error: unknown) => {
  if (finishing) return; // stopped mid-way: what failed is the teardown's doing
  fail(error instanceof Error ? error.message : String(error));
  void finish(1);
});
