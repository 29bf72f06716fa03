import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time on a 2-core machine (vitest's default is one fewer than the cores):
    // most of a file's time is waiting (Chromium, PostgreSQL, NATS, child processes), so two
    // overlap well, and CI keeps within its 20 minutes.
    maxWorkers: 2,
  },
});
