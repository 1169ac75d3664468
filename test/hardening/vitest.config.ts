import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The fault suite (`npm run test:hardening`): drives the built CLI, installed as a user has it
// (install.ts), against the stand-in servers and prints the table of figures at the end (table.ts).
// Kept out of `npm test` for its run time; .ci/run runs it once.

/** Files by how long they take (most of it waiting: rate-limit gaps, locks, the agent), longest first. */
const LONGEST_FIRST = ['crash-safety', 'agent-faults', 'concurrency', 'github-faults'];

class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((name) => file.moduleId.endsWith(`/${name}.test.ts`));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/hardening/**/*.test.ts'],
    globalSetup: ['test/hardening/install.ts', 'test/hardening/table.ts'],
    testTimeout: 480_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Three files at once: their trials mostly wait, so a third keeps the two cores busy.
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
  },
});
