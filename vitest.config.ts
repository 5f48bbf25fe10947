import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/temp-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on a child process (the CLI, an issuer, a service) or a socket, so a worker is idle
    // much of the time: vitest's default (one worker per core minus one) left one of a 2-core CI runner's
    // cores unused and `npm test` took ~8 min. Three workers keep both cores busy.
    maxWorkers: Number(process.env.AUTHCTL_TEST_WORKERS) || 3,
  },
});
