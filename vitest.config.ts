import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests start real loopback servers; two cores on CI, so keep the pool modest.
    pool: 'forks',
    maxWorkers: 2,
    // Console output of passing tests (servers logging the 5xx a test provokes on purpose) is noise;
    // a failing test still shows everything it printed.
    silent: 'passed-only',
  },
});
