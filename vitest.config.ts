import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite has its own config and script (`npm run test:hardening`).
    exclude: ['test/hardening/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at once on two cores: most tests wait on git, the CLI and stand-in servers, so one
    // worker per core (vitest's default leaves one core idle here) keeps the machine half busy.
    maxWorkers: 3,
  },
});
