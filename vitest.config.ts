import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Native modules (cap) are built for the runtime in .node-version: another Node fails to load them.
const wantedMajor = readFileSync(new URL('.node-version', import.meta.url), 'utf8').trim().split('.')[0];
if (process.versions.node.split('.')[0] !== wantedMajor) {
  throw new Error(
    `the tests run on Node ${wantedMajor} (.node-version), this is ${process.version}: ` +
      'run `bash scripts/ensure-deps.sh`, then `. scripts/node-env.sh` in this shell (npm test does both)',
  );
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real etcd servers and network namespaces: keep files from piling up on 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
