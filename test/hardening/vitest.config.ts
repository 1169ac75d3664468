import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:hardening`): drives the built CLI against the stand-in servers and
// prints the table of figures at the end (see table.ts). Kept out of `npm test` for its run time.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/hardening/**/*.test.ts'],
    globalSetup: ['test/hardening/table.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
