import { defineConfig } from 'vitest/config';

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
