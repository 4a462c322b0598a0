import { runLinkd } from '../daemon/run-linkd.js';

runLinkd(process.argv.slice(2), process.env).catch((error: unknown) => {
  process.stderr.write(`linkd: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
