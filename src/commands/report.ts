import { BaseCommand } from '../cli/base.js';
import { dryRunFlag, includeUnverifiedFlag, tagFlag, upstreamFlag } from '../cli/flags.js';
import { githubEnv } from '../github/env.js';
import { reportRelease } from '../report/service.js';
import { reportLines } from '../report/summary.js';
import type { ReportResult } from '../report/types.js';

export default class Report extends BaseCommand<typeof Report> {
  static summary = 'File or update GitHub issues for the findings, write report.md, then advance the state.';
  static description =
    'One issue per finding at or above downstream.minSeverity, deduplicated by a hidden fingerprint marker: ' +
    're-running files nothing twice, closed issues are never filed again, and an open issue from an earlier ' +
    'release gets one comment naming the new release. The state advances only after everything succeeded.';
  static examples = [
    '<%= config.bin %> report --tag rust-v0.139.0 --dry-run',
    '<%= config.bin %> report --upstream codex --json',
  ];
  static flags = {
    upstream: upstreamFlag,
    tag: tagFlag,
    'dry-run': dryRunFlag,
    'include-unverified': includeUnverifiedFlag,
  };

  async run(): Promise<ReportResult> {
    const config = await this.projectConfig();
    const env = githubEnv();
    // Imported here: oclif loads every command to list them, and only report needs Octokit at once.
    const { createGitHubClient } = await import('../github/client.js');
    const progress = this.progress();
    const onNote = (message: string) => progress.note(message);
    const github = createGitHubClient({ env, onNote });
    const result = await progress.step(this.flags['dry-run'] ? 'report (dry run)' : 'report', () =>
      reportRelease(
        config,
        { github, env, onNote },
        {
          upstream: this.flags.upstream,
          tag: this.flags.tag,
          dryRun: this.flags['dry-run'],
          includeUnverified: this.flags['include-unverified'],
        },
      ),
    );
    if (!this.jsonEnabled()) this.log(reportLines(result, config.downstream.maxIssuesPerRun));
    return result;
  }
}
