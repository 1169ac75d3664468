// Renders templates/release-watch.yml for this repository into .github/workflows/release-watch.yml
// (run after build). `--check` only compares, exiting 1 when the committed file is out of date.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../dist/index.js';
import { readWorkflowTemplate, renderWorkflow, workflowValues } from '../dist/init/workflow.js';

const root = new URL('..', import.meta.url).pathname;
const target = new URL('../.github/workflows/release-watch.yml', import.meta.url);
const config = await loadConfig({ cwd: root });
// This repository runs its own build instead of installing a published release-watch.
const rendered = renderWorkflow(
  await readWorkflowTemplate(),
  workflowValues(config, { install: 'npm ci && npm run build', run: 'npx --no-install release-watch' }),
);
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== rendered) {
    console.error(
      '.github/workflows/release-watch.yml differs from templates/release-watch.yml: run `npm run workflow`.',
    );
    process.exit(1);
  }
} else {
  mkdirSync(new URL('.', target), { recursive: true });
  writeFileSync(target, rendered);
}
