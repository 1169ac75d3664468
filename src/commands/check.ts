import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { upstreamsFlag } from '../cli/flags.js';
import { Errors } from '../errors.js';
import { githubEnv } from '../github/env.js';
import { appendGitHubOutput } from '../github/output.js';
import { checkExitCode, checkOutputs, checkUpstreams, renderCheck } from '../sources/check.js';
import { createSourceDeps, describeRequests } from '../sources/deps.js';

export default class Check extends BaseCommand<typeof Check> {
  static summary = 'Compare the newest release of each upstream with the state and list pending tags.';
  static description =
    'Status per upstream: new (releases after the last reviewed one), up-to-date, baseline (never reviewed: the newest release is pending) or error. Exits non-zero when any upstream failed; the others are still checked.';
  static examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check --upstream codex --json',
    '<%= config.bin %> check --github-output',
  ];
  static flags = {
    upstream: upstreamsFlag,
    'github-output': Flags.boolean({
      summary: 'Write has-updates and matrix to $GITHUB_OUTPUT (automatic when it is set).',
    }),
  };

  async run() {
    const config = await this.projectConfig();
    const env = githubEnv();
    if (this.flags['github-output'] && !env.output) throw Errors.githubOutputMissing();
    const progress = this.progress();
    const deps = createSourceDeps({
      env,
      cacheDir: config.cache,
      onNote: (message) => progress.note(message),
    });
    const results = await progress.step('check: newest releases', () =>
      checkUpstreams(config, deps, { upstreams: this.flags.upstream }),
    );
    if (env.output) {
      const outputs = checkOutputs(results);
      await appendGitHubOutput(env.output, outputs);
      this.note(`Step outputs: has-updates=${outputs['has-updates']} matrix=${outputs.matrix}`);
    }
    if (!this.jsonEnabled()) this.log(renderCheck(results));
    this.note(describeRequests(deps.requests()));
    const exitCode = checkExitCode(results);
    if (exitCode !== 0) process.exitCode = exitCode;
    return results;
  }
}
