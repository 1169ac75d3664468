import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:hardening`): drives the built CLI, installed as a user has it
// (install.ts), against the stand-in servers and prints the table of figures at the end (table.ts).
// Kept out of `npm test` for its run time; .ci/run runs it once.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/hardening/**/*.test.ts'],
    globalSetup: ['test/hardening/install.ts', 'test/hardening/table.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
