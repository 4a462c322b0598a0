import { runClient } from './client/program.js';

process.exitCode = await runClient(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  process.env,
);
