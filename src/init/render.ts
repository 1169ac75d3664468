import { describeReasons, type InitResult } from './service.js';

/** What init did and what is left to do, for people. */
export function renderInitResult(result: InitResult): string {
  const width = Math.max(...result.files.map((f) => f.path.length));
  return [
    `Set up release-watch in ${result.dir}:`,
    ...result.files.map((f) => `  ${f.path.padEnd(width)}  ${f.action}`),
    '',
    `Watching: ${result.upstreams.map((u) => `${u.id} (${u.repo}, tags ${u.tags})`).join(', ')}`,
    ...result.proposed.map(
      (p) =>
        `  ${p.repo}: named by ${describeReasons(p)}; tags ${p.tags} ${p.tagsFrom === 'tags' ? 'from its tags' : '(the default: its tags could not be listed)'}`,
    ),
    `Issues go to: ${result.downstream ?? 'the repository the workflow runs in'}`,
    '',
    'Next steps:',
    ...result.nextSteps.map((step, i) => `  ${i + 1}. ${step}`),
  ].join('\n');
}
